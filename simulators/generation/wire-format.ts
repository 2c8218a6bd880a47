/** Readings as JSON text on the wire (the meter contract, docs/meter-contract.md). */
import type { Reading, ReadingPayload } from '../../domain/telemetry/index.ts';
import { formatLocalTimestamp } from '../../platform/local-time.ts';

/** How a meter writes `ts`: most send RFC 3339 with +08:00, some gateways send epoch milliseconds. */
export type TimestampFormat = 'rfc3339' | 'epoch-ms';

export function wireReading(reading: Reading, format: TimestampFormat): ReadingPayload {
  const wire: ReadingPayload = { ts: wireTimestamp(reading.ts, format), totalM3: reading.totalM3 };
  // Key order is fixed (ts, totalM3, flowM3h, seq, status) so that payloads repeat byte for byte.
  if (reading.flowM3h !== undefined) wire.flowM3h = reading.flowM3h;
  if (reading.seq !== undefined) wire.seq = reading.seq;
  if (reading.status !== undefined) wire.status = reading.status;
  return wire;
}

export function singleReadingPayload(reading: Reading, format: TimestampFormat): string {
  return JSON.stringify(wireReading(reading, format));
}

export function batchPayload(readings: readonly Reading[], format: TimestampFormat): string {
  return JSON.stringify({ readings: readings.map((r) => wireReading(r, format)) });
}

// A fleet reports on the same aligned times, so each text is made once and reused.
const timestampTexts = new Map<number, string>();
const TIMESTAMP_CACHE_SIZE = 4096;

function wireTimestamp(ms: number, format: TimestampFormat): string | number {
  if (format === 'epoch-ms') return ms;
  let text = timestampTexts.get(ms);
  if (text === undefined) {
    if (timestampTexts.size >= TIMESTAMP_CACHE_SIZE) timestampTexts.clear();
    text = formatLocalTimestamp(ms);
    timestampTexts.set(ms, text);
  }
  return text;
}
