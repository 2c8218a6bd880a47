/**
 * offline-gap: the meter loses its connection for a window (2-12 h by default, seeded), keeps
 * measuring, and when it is back sends what it missed as store-and-forward batches
 * {"readings": [...]} (at most 1000 readings each) just before its next live reading.
 *
 * The ingester should store every late reading (none lost, none doubled). The monitor should see
 * the meter silent during the window (offline notice after 3 reporting intervals) and, once the
 * batch arrives, complete data for the day: no completeness warning and the right daily volume.
 */
import { z } from 'zod';
import { MAX_READINGS_PER_MESSAGE } from '../../domain/telemetry/index.ts';
import type { MessageDraft } from '../generation/simulated-message.ts';
import { defineScenario, noPlan } from './scenario.ts';
import { tickTime, ticksFor } from './tick-grid.ts';
import type { TickWindow } from './window-picker.ts';

export const offlineGap = defineScenario({
  name: 'offline-gap',
  summary: 'Silent for a window, then the missed readings in late {"readings": [...]} batches (<= 1000 each).',
  monitorShould:
    'Offline notice while silent (no reading for 3 x the interval); after the batch, the readings are stored late and the day is complete.',
  params: z.strictObject({
    hours: z.coerce
      .number()
      .positive()
      .max(24 * 366)
      .optional()
      .describe('Length of the gap in hours (default: seeded 2-12 h).'),
  }),
  plan: (context, { hours }) => {
    const { grid, random } = context;
    // By default at most 40 % of the run, so that there are readings on both sides.
    const gridHours = (grid.count * grid.intervalMs) / 3600_000;
    const chosenHours = hours ?? Math.min(random.between(2, 12), gridHours * 0.4);
    const window = context.windows.pick(ticksFor(grid, chosenHours * 3600), random);
    if (!window) return noPlan();
    const missed = window.end - window.start + 1;
    return {
      effects: { reshape: (drafts) => withholdThenForward(drafts, window) },
      events: [
        {
          kind: 'offline-gap',
          fromMs: tickTime(grid, window.start),
          toMs: tickTime(grid, window.end),
          missedReadings: missed,
          batches: Math.ceil(missed / MAX_READINGS_PER_MESSAGE),
        },
      ],
    };
  },
});

function* withholdThenForward(drafts: Iterable<MessageDraft>, window: TickWindow): Generator<MessageDraft> {
  let held: MessageDraft[] = [];
  const forward = function* (sentAtMs: number): Generator<MessageDraft> {
    const readings = held.flatMap((d) => d.readings);
    for (let i = 0; i < readings.length; i += MAX_READINGS_PER_MESSAGE) {
      const chunk = readings.slice(i, i + MAX_READINGS_PER_MESSAGE);
      const lastTick = held[Math.min(i + chunk.length, held.length) - 1]?.tick ?? window.end;
      yield { kind: 'backlog', tick: lastTick, sentAtMs, readings: chunk, batch: true };
    }
    held = [];
  };
  for (const draft of drafts) {
    if (draft.tick >= window.start && draft.tick <= window.end) {
      held.push(draft);
      continue;
    }
    if (held.length > 0) yield* forward(draft.sentAtMs);
    yield draft;
  }
  const last = held.at(-1);
  if (last) yield* forward(last.sentAtMs);
}
