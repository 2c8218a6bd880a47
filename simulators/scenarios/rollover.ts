/**
 * rollover: the register starts close to its maximum (registerMaxM3, or 100,000,000 m3 when the
 * registry has none) so that it wraps to near 0 at a seeded moment in the first half of the run, as
 * an 8-digit totalizer does.
 * The wrap falls inside an interval with flow, so the reading before is just below the maximum and
 * the one after just above 0. Needs some water to flow during the run.
 *
 * The monitor should recognise a rollover (previous value near the register maximum, new value
 * small), count the volume across it (max - before + after) and raise no rollback item.
 */
import { z } from 'zod';
import { defineScenario } from './scenario.ts';
import type { RegisterPath } from './scenario.ts';

export const rollover = defineScenario({
  name: 'rollover',
  summary: 'The totalizer wraps past the register maximum to near 0 at a seeded moment.',
  monitorShould: 'Treat it as a rollover: volume = max - before + after, conserved; no rollback item.',
  params: z.strictObject({}),
  plan: (context) => {
    const { grid, random, registerMaxLitres } = context;
    const half = Math.floor(grid.count / 2);
    const target = context.windows.pickTick(random, { first: Math.floor(grid.count / 4), last: half }) ?? half;
    return {
      effects: {
        initialRegisterLitres: (path) => {
          const tick = nearestTickWithFlow(path, target);
          if (tick === undefined) return undefined;
          const increment = path.increments[tick] ?? 0;
          const before = path.fromZero[tick - 1] ?? 0;
          // The reading before the wrap shows max - half the interval's volume, the one after the rest.
          const start = registerMaxLitres - before - Math.floor(increment / 2);
          return ((start % registerMaxLitres) + registerMaxLitres) % registerMaxLitres;
        },
      },
      events: [], // the register records the wrap when it happens
    };
  },
});

/** The tick nearest `target` whose interval counts at least 2 litres (so both sides of the wrap show). */
function nearestTickWithFlow(path: RegisterPath, target: number): number | undefined {
  const count = path.increments.length;
  for (let distance = 0; distance < count; distance++) {
    for (const tick of [target + distance, target - distance]) {
      if (tick >= 1 && tick < count && (path.increments[tick] ?? 0) >= 2) return tick;
    }
  }
  return undefined;
}
