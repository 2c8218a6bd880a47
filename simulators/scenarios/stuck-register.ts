/**
 * stuck-register: for a window longer than an hour (seeded 1.5-6 h, or `hours`) the meter reports
 * flow > 0 (at least half the permitted mean flow) but its totalizer does not move; afterwards it
 * counts on from the frozen value, so the water that passed meanwhile is never registered.
 *
 * The monitor should raise a stuck-register item (flow reported, totalizer unchanged over 1 hour) and
 * an interval-volume / flow inconsistency (> 5 %) for those intervals.
 */
import { z } from 'zod';
import { defineScenario, noPlan } from './scenario.ts';
import { ticksFor } from './tick-grid.ts';

export const stuckRegister = defineScenario({
  name: 'stuck-register',
  summary: 'Flow > 0 reported while the totalizer stays frozen for more than an hour.',
  monitorShould: 'Raise a stuck-register item (flow but no advance over 1 h) and a volume/flow inconsistency.',
  params: z.strictObject({
    hours: z.coerce
      .number()
      .gt(1)
      .max(24 * 30)
      .optional()
      .describe('How long the register stays frozen, > 1 (default: seeded 1.5-6 h).'),
  }),
  plan: (context, { hours }) => {
    const { grid, random } = context;
    const chosenHours = hours ?? random.between(1.5, 6);
    // Frozen from the reading before the window to its last reading: strictly longer than an hour.
    const hourTicks = Math.floor(3_600_000 / grid.intervalMs) + 1;
    const window = context.windows.pick(Math.max(ticksFor(grid, chosenHours * 3600), hourTicks, 2), random);
    if (!window) return noPlan();
    const inside = (tick: number) => tick >= window.start && tick <= window.end;
    const minimumFlow = context.permittedMeanFlowM3h / 2;
    return {
      effects: {
        flow: (tick, flowM3h) => (inside(tick) ? Math.max(flowM3h, minimumFlow) : flowM3h),
        registerFrozen: inside,
      },
      events: [], // the register records the frozen span and the volume it missed
    };
  },
});
