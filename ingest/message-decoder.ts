/**
 * Turns one logged MQTT message into readings, a status change, or a rejection with a stated
 * reason. Pure: no I/O, so every kind of bad input is tested directly (message-decoder.test.ts).
 */
import { z } from 'zod';
import {
  MAX_PAYLOAD_BYTES,
  meterStatusPayload,
  parseMeterTopic,
  READINGS_PAYLOAD_BRANCH,
  type Reading,
  readingsPayload,
} from '../domain/telemetry/index.ts';

import type { RejectionCode } from '../domain/telemetry/index.ts';

export type { RejectionCode };

export type DecodedMessage =
  | { kind: 'readings'; meterId: string; readings: Reading[] }
  | { kind: 'status'; meterId: string; online: boolean }
  | { kind: 'rejected'; meterId: string | undefined; code: RejectionCode; reason: string };

export interface DecodeLimits {
  /** Readings stamped further ahead of their arrival are refused. */
  maxFutureMs: number;
  /** Readings stamped further behind their arrival are refused. */
  maxPastMs: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function rejected(meterId: string | undefined, code: RejectionCode, reason: string): DecodedMessage {
  return { kind: 'rejected', meterId, code, reason };
}

type Issue = z.core.$ZodIssue;

/**
 * Where a union failed, zod reports every branch's issues. Report the branch the sender evidently
 * meant: at the top, a batch when the payload has "readings"; inside, the branch whose own type
 * matched (a string `ts` is judged as RFC 3339, not as "expected number").
 */
function meantBranch(union: Extract<Issue, { code: 'invalid_union' }>, atTop: boolean, json: unknown): Issue[] {
  if (atTop) {
    const meantBatch = typeof json === 'object' && json !== null && 'readings' in json;
    return union.errors[meantBatch ? READINGS_PAYLOAD_BRANCH.batch : READINGS_PAYLOAD_BRANCH.single] ?? [];
  }
  const typeMatched = union.errors.find((b) => !b.some((i) => i.code === 'invalid_type' && i.path.length === 0));
  return typeMatched ?? union.errors[0] ?? [];
}

function flattenIssues(issues: Issue[], prefix: PropertyKey[], json: unknown): { path: string; message: string }[] {
  return issues.flatMap((i) => {
    const path = [...prefix, ...i.path];
    if (i.code === 'invalid_union') return flattenIssues(meantBranch(i, path.length === 0, json), path, json);
    return [{ path: path.length ? path.map(String).join('.') : '(payload)', message: i.message }];
  });
}

/** "readings.3.totalM3: Too small..." for the first few issues. */
function describeIssues(error: z.ZodError, json: unknown): string {
  const issues = flattenIssues(error.issues, [], json);
  const shown = issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`);
  const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
  return shown.join('; ') + more;
}

export function decodeMessage(topic: string, payload: Buffer, receivedMs: number, limits: DecodeLimits): DecodedMessage {
  const parsedTopic = parseMeterTopic(topic);
  if (!parsedTopic) return rejected(undefined, 'bad_topic', `topic "${topic.slice(0, 200)}" is not meters/{meterId}/readings or /status`);
  const { meterId, kind } = parsedTopic;
  if (payload.length > MAX_PAYLOAD_BYTES) {
    return rejected(meterId, 'oversize', `payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
  }
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return rejected(meterId, 'not_utf8', 'payload is not valid UTF-8');
  }
  if (kind === 'status') {
    const status = meterStatusPayload.safeParse(text.trim());
    return status.success
      ? { kind: 'status', meterId, online: status.data === 'online' }
      : rejected(meterId, 'schema_violation', 'status payload must be "online" or "offline"');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return rejected(meterId, 'malformed_json', `not JSON: ${err instanceof Error ? err.message : 'parse error'}`);
  }
  const readings = readingsPayload.safeParse(json);
  if (!readings.success) return rejected(meterId, 'schema_violation', describeIssues(readings.error, json));
  for (const [i, r] of readings.data.entries()) {
    const ahead = r.ts - receivedMs;
    if (ahead > limits.maxFutureMs || -ahead > limits.maxPastMs) {
      const where = readings.data.length > 1 ? `readings.${i}.ts` : 'ts';
      const direction = ahead > 0 ? 'ahead of' : 'behind';
      return rejected(
        meterId,
        'timestamp_out_of_range',
        `${where} ${new Date(r.ts).toISOString()} is ${Math.round(Math.abs(ahead) / 1000)} s ${direction} its arrival, beyond the accepted window`,
      );
    }
  }
  return { kind: 'readings', meterId, readings: readings.data };
}
