import { describe, expect, it } from 'vitest';
import { parseScenarioSpecs } from '../scenarios/scenario-spec.ts';
import { assignScenarios } from './assign-scenarios.ts';
import { generateFleet } from './generate-fleet.ts';

describe('assignScenarios', () => {
  const fleet = generateFleet({ count: 200, seed: 1 });

  it('gives each scenario to round(fraction x meters) meters, the same ones for the same seed', () => {
    const specs = parseScenarioSpecs('over-permit:0.1:factor=2,offline-gap:0.25,duplicates');
    const assigned = assignScenarios(fleet, specs, 9);
    const holders = (name: string) => assigned.filter((m) => m.scenarios.some((s) => s.name === name));
    expect(holders('over-permit')).toHaveLength(20);
    expect(holders('offline-gap')).toHaveLength(50);
    expect(holders('duplicates')).toHaveLength(200);
    expect(holders('over-permit')[0]?.scenarios.find((s) => s.name === 'over-permit')?.params).toEqual({ factor: '2' });
    expect(assignScenarios(fleet, specs, 9)).toEqual(assigned);
    expect(assignScenarios(fleet, specs, 10)).not.toEqual(assigned);
    expect(fleet.every((m) => m.scenarios.length === 0)).toBe(true); // the input is not changed
  });

  it('gives a small positive fraction to at least one meter', () => {
    const assigned = assignScenarios(fleet.slice(0, 5), parseScenarioSpecs('rollover:0.01'), 1);
    expect(assigned.filter((m) => m.scenarios.length > 0)).toHaveLength(1);
  });
});
