/**
 * clock-skew: the meter's clock is off by N minutes (seeded 7-30, either sign, or `minutes`), so every
 * reading's `ts` differs from the time it is really taken and sent (sentAtMs stays true).
 *
 * The monitor should raise clock drift (> 5 minutes between `ts` and the time of receipt). Visible
 * when publishing in realtime; in an accelerated replay compare `ts` with each message's sentAtMs.
 */
import { z } from 'zod';
import { defineScenario } from './scenario.ts';

export const clockSkew = defineScenario({
  name: 'clock-skew',
  summary: "Every reading's ts is N minutes off the real time of sending.",
  monitorShould: 'Raise clock drift (|ts - receipt time| > 5 minutes).',
  params: z.strictObject({
    minutes: z.coerce
      .number()
      .refine((m) => m !== 0, 'must not be 0')
      .refine((m) => Math.abs(m) <= 7 * 24 * 60, 'at most a week')
      .optional()
      .describe('Clock offset in minutes, + ahead / - behind (default: seeded +-7 to 30).'),
  }),
  plan: (context, { minutes }) => {
    const { random } = context;
    const chosen = minutes ?? (random.chance(0.5) ? 1 : -1) * random.int(7, 30);
    const offsetMs = Math.round(chosen * 60_000);
    return { effects: { tsOffsetMs: offsetMs }, events: [{ kind: 'clock-skew', offsetMs }] };
  },
});
