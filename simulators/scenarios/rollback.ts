/**
 * rollback: at a seeded moment in the second half of the run the totalizer jumps back by 10-70 % of
 * its value (seeded, or `drop`) with no meter replacement recorded, far from the register maximum,
 * then counts on from there. (A meter with rollover too wraps in the first half, so the two stay
 * apart; the jump after a wrap is a share of the small value the register then shows.)
 *
 * The monitor should raise a totalizer-rollback item (not negative water: the day's volume excludes
 * the jump) with the two readings as evidence.
 */
import { z } from 'zod';
import { defineScenario, noPlan } from './scenario.ts';

export const rollback = defineScenario({
  name: 'rollback',
  summary: 'The totalizer jumps back (10-70 % of its value) without a replacement, then counts on.',
  monitorShould: 'Raise a totalizer-rollback item; the jump is not counted as (negative) volume.',
  params: z.strictObject({
    drop: z.coerce.number().gt(0).lt(1).optional().describe('Share of the register value lost in the jump (default: seeded 0.1-0.7).'),
  }),
  plan: (context, { drop }) => {
    const { grid, random } = context;
    const tick = context.windows.pickTick(random, { first: Math.ceil(grid.count / 2), last: grid.count - 2 });
    if (tick === undefined) return noPlan();
    const share = drop ?? random.between(0.1, 0.7);
    return { effects: { registerJumpBackShare: (t) => (t === tick ? share : 0) }, events: [] };
  },
});
