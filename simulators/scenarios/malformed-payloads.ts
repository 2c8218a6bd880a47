/**
 * Broken versions of a reading, one per kind of defect that the contract must refuse. Each builder
 * starts from the reading the meter meant to send, so the rest of the message looks genuine.
 */
import { MAX_PAYLOAD_BYTES, MAX_READINGS_PER_MESSAGE, type Reading } from '../../domain/telemetry/index.ts';
import type { MalformedDefect } from '../generation/simulated-message.ts';
import { singleReadingPayload, type TimestampFormat, wireReading } from '../generation/wire-format.ts';
import type { Random } from '../random/prng.ts';
import { formatLocalTimestampWithoutOffset } from '../../platform/local-time.ts';

/** Above the contract's limit but below the broker's packet limit (1 MiB), so it reaches the ingester. */
const OVERSIZE_BYTES = MAX_PAYLOAD_BYTES + 80 * 1024;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function malformedPayload(defect: MalformedDefect, reading: Reading, format: TimestampFormat, random: Random): string {
  const wire = { ...wireReading(reading, format) } as Record<string, unknown>;
  switch (defect) {
    case 'invalid-json': {
      // Cut off before the closing brace: a transmission broken mid-message.
      const text = singleReadingPayload(reading, format);
      return text.slice(0, random.int(1, text.length - 2));
    }
    case 'missing-total':
      delete wire.totalM3;
      return JSON.stringify(wire);
    case 'negative-total':
      return JSON.stringify({ ...wire, totalM3: -(reading.totalM3 || 1) });
    case 'nan-string':
      return JSON.stringify({ ...wire, totalM3: 'NaN' });
    case 'ts-without-offset':
      return JSON.stringify({ ...wire, ts: formatLocalTimestampWithoutOffset(reading.ts) });
    case 'wrong-types':
      return JSON.stringify({ ...wire, totalM3: String(reading.totalM3), seq: String(reading.seq ?? 0) });
    case 'empty-batch':
      return JSON.stringify({ readings: [] });
    case 'too-many-readings': {
      // Well-formed readings a second apart, one more than a batch may hold.
      const count = MAX_READINGS_PER_MESSAGE + 1;
      const readings = Array.from({ length: count }, (_, i) =>
        wireReading({ ...reading, ts: reading.ts - (count - 1 - i) * 1000 }, format),
      );
      return JSON.stringify({ readings });
    }
    case 'oversize':
      // A gateway dumping a binary frame as text where the readings belong.
      return JSON.stringify({ readings: garbage(OVERSIZE_BYTES, random) });
  }
}

function garbage(length: number, random: Random): string {
  const block = Array.from({ length: 1024 }, () => BASE64.charAt(random.int(0, 63))).join('');
  return block.repeat(Math.ceil(length / block.length)).slice(0, length);
}
