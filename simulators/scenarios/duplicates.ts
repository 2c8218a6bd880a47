/**
 * duplicates: a share of the meter's messages (5 % by default, `rate`), live or backlog, is sent a
 * second time unchanged a few seconds later, as a meter does when it misses the broker's PUBACK.
 *
 * The ingester should store each reading once (InfluxDB overwrites the same series and time) and
 * the monitor's volumes should not change: duplicates are harmless, at most counted.
 */
import { z } from 'zod';
import type { MessageDraft } from '../generation/simulated-message.ts';
import { createRandom, type Random } from '../random/prng.ts';
import { defineScenario } from './scenario.ts';

export const duplicates = defineScenario({
  name: 'duplicates',
  summary: 'A share of messages is sent again unchanged a few seconds later.',
  monitorShould: 'Store each reading once; volumes unchanged (at most count the duplicates).',
  params: z.strictObject({
    rate: z.coerce.number().gt(0).max(1).default(0.05).describe('Share of messages sent twice (default 0.05).'),
  }),
  plan: (context, { rate }) => {
    const streamSeed = context.random.int(0, 0xffffffff);
    return {
      effects: {
        reshape: (drafts, tools) => repeatSome(drafts, rate, createRandom(streamSeed), tools.grid.intervalMs),
      },
      events: [],
    };
  },
});

function* repeatSome(drafts: Iterable<MessageDraft>, rate: number, random: Random, intervalMs: number): Generator<MessageDraft> {
  for (const draft of drafts) {
    yield draft;
    if (draft.kind === 'malformed' || !random.chance(rate)) continue;
    // Resent before the next reading is due, so that the meter's messages stay in order.
    const delayMs = Math.min(random.int(1000, 10_000), Math.floor(intervalMs / 2));
    yield { ...draft, kind: 'duplicate', sentAtMs: draft.sentAtMs + delayMs };
  }
}
