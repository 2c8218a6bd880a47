/**
 * rate-spike: the flow goes above the maximum rate (the permit's, or an assumed one) by a factor
 * (seeded 1.2-1.8): a short spike (one reading, or the readings within 5 minutes at short intervals)
 * and/or a sustained one (consecutive readings spanning at least 30 minutes). The totalizer advances
 * by the extra volume, so the flow and the interval volumes stay consistent.
 *
 * The monitor should raise rate-above-maximum for the sustained spike (longer than 15 minutes) and
 * not for the short one. Meaningful for reporting intervals up to 15 minutes.
 */
import { z } from 'zod';
import { defineScenario } from './scenario.ts';
import type { ScenarioEvent } from './scenario-event.ts';
import { tickTime } from './tick-grid.ts';
import type { TickWindow } from './window-picker.ts';

const SHORT_SPAN_MS = 5 * 60_000;
const SUSTAINED_SPAN_MS = 30 * 60_000;

export const rateSpike = defineScenario({
  name: 'rate-spike',
  summary: 'Flow above the maximum rate: a short spike (< 15 min) and a sustained one (>= 30 min).',
  monitorShould: 'Raise rate-above-maximum for the sustained spike only; the short spike is not a violation.',
  params: z.strictObject({
    variant: z.enum(['short', 'sustained', 'both']).default('both').describe('Which spikes: short, sustained or both (default both).'),
    factor: z.coerce.number().gt(1).max(100).optional().describe('Spike flow / maximum rate (default: seeded 1.2-1.8).'),
  }),
  plan: (context, { variant, factor }) => {
    const { grid, random, maxRateM3h } = context;
    const flowM3h = maxRateM3h * (factor ?? random.between(1.2, 1.8));
    const lengths = {
      short: Math.max(1, Math.floor(SHORT_SPAN_MS / grid.intervalMs)),
      sustained: Math.max(3, Math.ceil(SUSTAINED_SPAN_MS / grid.intervalMs) + 1),
    };
    const spikes: { variant: 'short' | 'sustained'; window: TickWindow }[] = [];
    for (const v of variant === 'both' ? (['short', 'sustained'] as const) : [variant]) {
      const window = context.windows.pick(lengths[v], random);
      if (window) spikes.push({ variant: v, window });
    }
    const inSpike = (tick: number) => spikes.some(({ window }) => tick >= window.start && tick <= window.end);
    const events: ScenarioEvent[] = spikes.map(({ variant: v, window }) => ({
      kind: 'rate-spike',
      variant: v,
      fromMs: tickTime(grid, window.start),
      toMs: tickTime(grid, window.end),
      flowM3h,
      maxRateM3h,
    }));
    return { effects: { flow: (tick, flow) => (inSpike(tick) ? flowM3h : flow) }, events };
  },
});
