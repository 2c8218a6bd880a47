import { describe, expect, it } from 'vitest';
import { assignScenarios } from '../fleet/assign-scenarios.ts';
import { generateFleet } from '../fleet/generate-fleet.ts';
import { parseScenarioSpecs } from '../scenarios/scenario-spec.ts';
import { JUNE_WEEK } from '../testing/test-meter.ts';
import { estimateFleetMessages, fleetMessages } from './fleet-messages.ts';
import { generateMeterReadings } from './meter-simulation.ts';

describe('fleetMessages', () => {
  const fleet = assignScenarios(
    generateFleet({ count: 30, seed: 2 }),
    parseScenarioSpecs('offline-gap:0.3,duplicates:0.3,unregistered:0.1'),
    2,
  );
  const options = { ...JUNE_WEEK, seed: 2 };

  it('merges every meter’s messages in send order, each meter’s in its own order', () => {
    const merged = [...fleetMessages(fleet, options)];
    for (let i = 1; i < merged.length; i++) {
      expect(merged[i]?.sentAtMs).toBeGreaterThanOrEqual(merged[i - 1]?.sentAtMs ?? 0);
    }
    for (const member of fleet) {
      const own = generateMeterReadings(member, options);
      const topic = own[0]?.topic;
      expect(merged.filter((m) => m.topic === topic)).toEqual(own);
    }
    expect([...fleetMessages(fleet, options)]).toEqual(merged);
  });

  it('estimates one message per reading time, and per batch of 1000 for what is kept until catching up', () => {
    expect(estimateFleetMessages(fleet, options)).toBe(30 * 7 * 96);
    expect(estimateFleetMessages(fleet, { ...options, intervalS: 3600 })).toBe(30 * 7 * 24);
    const day = 86_400_000;
    expect(estimateFleetMessages(fleet, { ...options, catchUpAt: JUNE_WEEK.from + 2 * day })).toBe(30 * (1 + 5 * 96));
    expect(estimateFleetMessages(fleet, { ...options, intervalS: 60, catchUpAt: JUNE_WEEK.from + day })).toBe(30 * (2 + 6 * 1440));
  });
});
