/**
 * The meter contract over MQTT (docs/meter-contract.md), defined once for ingest and simulators.
 *
 * Topic `meters/{meterId}/readings`, QoS 1, UTF-8 JSON: one reading or {"readings": [...]} with at
 * most 1000. Topic `meters/{meterId}/status`, retained: "online" / "offline" (the last will).
 */
import { z } from 'zod';
import { METER_ID_PATTERN } from '../registry/index.ts';

export const MAX_READINGS_PER_MESSAGE = 1000;
/** Larger payloads are refused before parsing (1000 full readings take about 200 KB). */
export const MAX_PAYLOAD_BYTES = 512 * 1024;

export const READINGS_TOPIC_FILTER = 'meters/+/readings';
export const STATUS_TOPIC_FILTER = 'meters/+/status';
/**
 * What ingest subscribes to: all a meter may write (the broker's ACL lets it write anywhere under
 * meters/{its id}/), so that a message on a wrong subtopic is kept as a rejection, not dropped by
 * the broker for want of a subscriber while the meter gets its PUBACK.
 */
export const METERS_TOPIC_FILTER = 'meters/#';
export const readingsTopic = (meterId: string) => `meters/${meterId}/readings`;
export const statusTopic = (meterId: string) => `meters/${meterId}/status`;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Date.parse rolls 2026-02-30 over to March; a meter's clock that says so is wrong, not early. */
function isRealCalendarDate(rfc3339: string): boolean {
  const [y = 0, m = 0, d = 0] = rfc3339.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * `ts`: epoch milliseconds, or RFC 3339 with an offset; parsed to epoch milliseconds. Numbers come
 * first because a union tries its branches in order and builds a failure for each one that does
 * not match: most meters send numbers.
 */
export const readingTimestamp = z.union([
  z.number().int('epoch milliseconds must be an integer').min(0).max(8_640_000_000_000),
  z
    .string()
    .regex(RFC3339, 'expected RFC 3339 with an offset, e.g. 2026-06-01T08:15:00+08:00')
    .transform((s, ctx) => {
      const ms = Date.parse(s);
      if (Number.isNaN(ms) || !isRealCalendarDate(s)) {
        ctx.addIssue({ code: 'custom', message: 'not a real date and time' });
        return z.NEVER;
      }
      return ms;
    }),
]);

const finiteNonNegative = z.number().min(0).refine(Number.isFinite, 'must be finite');

export const meterStatusFlags = z.strictObject({
  powerOff: z.boolean().optional(),
  tamper: z.boolean().optional(),
  lowBattery: z.boolean().optional(),
  reverseFlow: z.boolean().optional(),
});
export type MeterStatusFlags = z.infer<typeof meterStatusFlags>;

export const reading = z.object({
  ts: readingTimestamp,
  totalM3: finiteNonNegative,
  flowM3h: finiteNonNegative.optional(),
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  status: meterStatusFlags.optional(),
});
/** A reading as validated: `ts` in epoch milliseconds. */
export type Reading = z.infer<typeof reading>;
/** A reading as a meter sends it. */
export type ReadingPayload = z.input<typeof reading>;

/** Where each form of readingsPayload sits in its union: zod reports a failed union's errors by branch. */
export const READINGS_PAYLOAD_BRANCH = { single: 0, batch: 1 } as const;

/**
 * Marks the keys of the other form: a payload with a top-level reading and a "readings" batch is
 * refused, not read as either (each form ignores unknown keys, so one would drop the other's readings).
 */
const ofTheOtherForm = z.never({ error: 'a payload is one reading or a batch {"readings": [...]}, not both' }).optional();

/** One reading, or a batch {"readings": [...]}; either way the readings. One reading first: it is by far the commoner. */
export const readingsPayload = z.union([
  reading.extend({ readings: ofTheOtherForm }).transform((r) => [r]), // READINGS_PAYLOAD_BRANCH.single
  z
    .object({ readings: z.array(reading).min(1).max(MAX_READINGS_PER_MESSAGE), ts: ofTheOtherForm, totalM3: ofTheOtherForm })
    .transform((b) => b.readings), // .batch
]);

export const meterStatusPayload = z.enum(['online', 'offline']);

export type TopicKind = 'readings' | 'status';

export interface MeterTopic {
  readonly meterId: string;
  readonly kind: TopicKind;
}

/**
 * Topics already split, as ingest splits one for every message and a fleet has a few topics per
 * meter. Forgotten when it holds more than MAX_KNOWN_TOPICS, so odd topics cannot make it grow
 * without bound.
 */
const knownTopics = new Map<string, MeterTopic | undefined>();
const MAX_KNOWN_TOPICS = 100_000;

/** Splits a topic into meter id and kind; undefined when the topic is not of the contract. */
export function parseMeterTopic(topic: string): MeterTopic | undefined {
  const known = knownTopics.get(topic);
  // One lookup for a topic of the contract; a second only for one remembered as not of it.
  if (known !== undefined || knownTopics.has(topic)) return known;
  const parsed = splitMeterTopic(topic);
  if (knownTopics.size >= MAX_KNOWN_TOPICS) knownTopics.clear();
  knownTopics.set(topic, parsed);
  return parsed;
}

function splitMeterTopic(topic: string): MeterTopic | undefined {
  const parts = topic.split('/');
  if (parts.length !== 3 || parts[0] !== 'meters') return undefined;
  const [, meterId = '', kind] = parts;
  if (!METER_ID_PATTERN.test(meterId) || (kind !== 'readings' && kind !== 'status')) return undefined;
  return { meterId, kind };
}

/**
 * The meter of a topic under meters/{meterId}/ that is not of the contract (another subtopic, a
 * deeper one, or none); undefined for a topic of the contract or one without a valid meterId.
 */
export function meterOfStrayTopic(topic: string): string | undefined {
  if (!topic.startsWith('meters/') || parseMeterTopic(topic)) return undefined;
  const meterId = topic.split('/', 2)[1] ?? '';
  return METER_ID_PATTERN.test(meterId) ? meterId : undefined;
}
