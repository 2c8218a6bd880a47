/**
 * rollback: at a seeded moment the totalizer jumps back by 10-70 % of the annual volume (seeded, or
 * `drop`) with no meter replacement recorded, far from the register maximum (a meter starts at 1-5
 * annual volumes, so the value stays positive), then counts on from there.
 *
 * The monitor should raise a totalizer-rollback item (not negative water: the day's volume excludes
 * the jump) with the two readings as evidence.
 */
import { z } from 'zod';
import { defineScenario, noPlan } from './scenario.ts';

export const rollback = defineScenario({
  name: 'rollback',
  summary: 'The totalizer jumps back (10-70 % of the annual volume) without a replacement, then counts on.',
  monitorShould: 'Raise a totalizer-rollback item; the jump is not counted as (negative) volume.',
  params: z.strictObject({
    drop: z.coerce.number().gt(0).lt(1).optional().describe('Size of the jump as a share of the annual volume (default: seeded 0.1-0.7).'),
  }),
  plan: (context, { drop }) => {
    const tick = context.windows.pickTick(context.random);
    if (tick === undefined) return noPlan();
    const share = drop ?? context.random.between(0.1, 0.7);
    // A fixed amount rather than a share of the live value, so that the register's course is known
    // before generation (see rollover).
    const litres = Math.floor(share * context.annualVolumeM3 * 1000);
    return { effects: { registerJumpBackLitres: (t) => (t === tick ? litres : 0) }, events: [] };
  },
});
