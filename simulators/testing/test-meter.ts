/** For tests: a fleet member with sensible defaults, and a week of June to simulate. */
import type { FleetMember } from '../fleet/fleet-member.ts';

export const JUNE_WEEK = {
  from: Date.parse('2026-06-01T00:00:00+08:00'),
  to: Date.parse('2026-06-08T00:00:00+08:00'),
} as const;

export function testMeter(overrides: Partial<FleetMember> = {}): FleetMember {
  return {
    meterId: 'M-0001',
    intakeCode: null,
    waterUse: 'industrial',
    annualVolumeM3: 500_000,
    maxRateM3h: 400,
    registerMaxM3: 10_000_000,
    reportingIntervalS: 900,
    scenarios: [],
    ...overrides,
  };
}
