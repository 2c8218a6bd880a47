/** For tests: what the meter contract says about a payload, checked the way an ingester must. */
import { MAX_PAYLOAD_BYTES, type Reading, readingsPayload } from '../../domain/telemetry/index.ts';

export type ContractVerdict =
  { ok: true; readings: Reading[] } | { ok: false; reason: 'oversize' | 'invalid-json' | 'schema'; detail: string };

export function contractVerdict(payload: string): ContractVerdict {
  const bytes = Buffer.byteLength(payload);
  if (bytes > MAX_PAYLOAD_BYTES) return { ok: false, reason: 'oversize', detail: `${bytes} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch (error) {
    return { ok: false, reason: 'invalid-json', detail: String(error) };
  }
  const parsed = readingsPayload.safeParse(json);
  return parsed.success
    ? { ok: true, readings: parsed.data }
    : { ok: false, reason: 'schema', detail: parsed.error.issues.map((i) => i.message).join('; ') };
}
