/**
 * The register's course from zero, computed before generation by running the (deterministic) flow
 * model once more: rollover needs it to start the register so that it wraps at a chosen moment.
 * Jumps back are left out: they scale the live value, and rollback places them after the wrap.
 */
import type { RegisterPath } from '../scenarios/scenario.ts';
import { intervalFlows } from './interval-flows.ts';
import type { MeterPlan } from './meter-plan.ts';

export function registerPath(plan: MeterPlan): RegisterPath {
  const { count } = plan.grid;
  const increments = new Float64Array(count);
  const fromZero = new Float64Array(count);
  let litres = 0;
  for (const { tick, litres: flowed } of intervalFlows(plan)) {
    if (tick > 0) {
      const counted = plan.effects.registerFrozen(tick) ? 0 : flowed;
      increments[tick] = counted;
      litres += counted;
    }
    fromZero[tick] = litres;
  }
  return { increments, fromZero };
}
