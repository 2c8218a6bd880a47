/**
 * Gives each scenario to its share of the fleet: round(fraction x meters) meters (at least one when
 * the fraction is above 0), chosen by a seeded shuffle per scenario, so a meter may get several.
 */
import { randomFor } from '../random/prng.ts';
import type { ScenarioSpec } from '../scenarios/scenario-spec.ts';
import type { FleetMember } from './fleet-member.ts';

export function assignScenarios(fleet: readonly FleetMember[], specs: readonly ScenarioSpec[], seed: number): FleetMember[] {
  const assigned = fleet.map((member) => ({ ...member, scenarios: [...member.scenarios] }));
  for (const { use, fraction } of specs) {
    const wanted = fraction > 0 ? Math.max(1, Math.round(fraction * assigned.length)) : 0;
    const order = assigned.map((_, i) => i);
    const random = randomFor(seed, 'assign', use.name);
    // Partial Fisher-Yates: the first `wanted` positions are a uniform sample.
    for (let i = 0; i < Math.min(wanted, order.length); i++) {
      const j = random.int(i, order.length - 1);
      const chosen = order[j] as number;
      order[j] = order[i] as number;
      order[i] = chosen;
      assigned[chosen]?.scenarios.push(use);
    }
  }
  return assigned;
}
