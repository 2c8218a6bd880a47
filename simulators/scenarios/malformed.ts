/**
 * malformed: a share of the meter's live messages (5 % by default, `rate`) is replaced by a broken
 * one: invalid JSON, missing totalM3, negative total, "NaN" as text, ts without offset, wrong types,
 * an empty batch, more than 1000 readings, or a payload above the contract's size limit. The
 * reading the meter meant to send is lost; the totalizer carries its volume to the next one.
 *
 * The ingester should reject each with a stated reason, keep the raw bytes, topic, reason and time
 * for staff, count them, and keep running; no malformed message becomes a stored reading.
 */
import { z } from 'zod';
import type { MessageDraft } from '../generation/simulated-message.ts';
import { MALFORMED_DEFECTS, type MalformedDefect } from '../generation/simulated-message.ts';
import type { TimestampFormat } from '../generation/wire-format.ts';
import { createRandom, type Random } from '../random/prng.ts';
import { malformedPayload } from './malformed-payloads.ts';
import { defineScenario, listParam } from './scenario.ts';

export const malformed = defineScenario({
  name: 'malformed',
  summary: 'A share of messages broken: bad JSON, missing/negative/"NaN" total, no offset, wrong types, > 1000 readings, oversize.',
  monitorShould: 'Ingest rejects each with a reason, keeps raw bytes/topic/reason/time, counts it, keeps running.',
  params: z.strictObject({
    rate: z.coerce.number().gt(0).max(1).default(0.05).describe('Share of live messages broken (default 0.05).'),
    defects: listParam(MALFORMED_DEFECTS)
      .default([...MALFORMED_DEFECTS])
      .describe(`Defects to use, joined by + (default all: ${MALFORMED_DEFECTS.join(', ')}).`),
  }),
  plan: (context, { rate, defects }) => {
    // The stream gets its own seed so that it can be replayed independently of planning.
    const streamSeed = context.random.int(0, 0xffffffff);
    return {
      effects: {
        reshape: (drafts, tools) => breakSome(drafts, rate, defects, createRandom(streamSeed), tools.timestampFormat),
      },
      events: [],
    };
  },
});

function* breakSome(
  drafts: Iterable<MessageDraft>,
  rate: number,
  defects: readonly MalformedDefect[],
  random: Random,
  format: TimestampFormat,
): Generator<MessageDraft> {
  for (const draft of drafts) {
    const reading = draft.readings[0];
    if (draft.kind !== 'live' || reading === undefined || !random.chance(rate)) {
      yield draft;
      continue;
    }
    const defect = random.pick(defects);
    yield {
      kind: 'malformed',
      tick: draft.tick,
      sentAtMs: draft.sentAtMs,
      readings: [],
      batch: false,
      payload: malformedPayload(defect, reading, format, random),
      defect,
    };
  }
}
