/**
 * over-permit: the meter withdraws `factor` times its permitted annual volume (spread over the year by
 * its usage pattern) instead of 60-85 % of it. The rate stays below the permit's maximum.
 *
 * The monitor should raise over-permit withdrawal once the permit-year volume passes the permitted
 * annual volume (and the 80 % / 90 % / projected early-warning notices before that).
 */
import { z } from 'zod';
import { defineScenario } from './scenario.ts';

export const overPermit = defineScenario({
  name: 'over-permit',
  summary: 'Withdraws factor x the permitted annual volume, following the usual pattern.',
  monitorShould: 'Raise over-permit withdrawal (annual volume exceeded); early warnings at 80 %, 90 %, projected.',
  params: z.strictObject({
    factor: z.coerce.number().min(1.01).max(100).default(1.3).describe('Annual volume / permitted annual volume (default 1.3).'),
  }),
  plan: (context, { factor }) => ({
    effects: { annualVolumeShare: factor },
    events: [
      {
        kind: 'over-permit',
        factor,
        targetAnnualM3: context.annualVolumeM3 * factor,
        permittedAnnualM3: context.annualVolumeM3,
      },
    ],
  }),
});
