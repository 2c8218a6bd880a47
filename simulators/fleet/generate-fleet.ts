/**
 * A made-up fleet with plausible attributes, for tests and benchmarks that need no registry: a mix
 * of water uses as in a Jilin county, permitted volumes typical of each use, a maximum rate that
 * leaves room above the use's peak hour, and the register size usual for the meter's size.
 */
import { METER_ID_PATTERN } from '../../domain/registry/index.ts';
import { ASSUMED_MAX_RATE_HEADROOM, DEFAULT_REPORTING_INTERVAL_S } from '../generation/defaults.ts';
import { randomFor } from '../random/prng.ts';
import { profileStatistics } from '../usage/profile-statistics.ts';
import { usageProfile } from '../usage/profiles.ts';
import type { FleetMember, WaterUse } from './fleet-member.ts';

export interface GeneratedFleetOptions {
  count: number;
  seed: number;
  /** Meter ids are the prefix and a zero-padded number: SIM-00001 ... (default "SIM-"). */
  meterIdPrefix?: string;
  /** Every meter of this use (default: a realistic mix). */
  waterUse?: WaterUse;
  /** Every meter with this permitted annual volume (default: typical of its use). */
  annualVolumeM3?: number;
  /** Every meter's reporting interval (default 900 s). */
  reportingIntervalS?: number;
}

/** Share of each use among intakes, and the range (log-uniform) of its permitted annual volume. */
const USE_MIX: readonly { use: WaterUse; share: number; annualM3: readonly [number, number] }[] = [
  { use: 'agricultural', share: 0.45, annualM3: [20_000, 2_000_000] },
  { use: 'industrial', share: 0.25, annualM3: [50_000, 5_000_000] },
  { use: 'public_supply', share: 0.12, annualM3: [200_000, 20_000_000] },
  { use: 'domestic', share: 0.1, annualM3: [5_000, 200_000] },
  { use: 'ecological', share: 0.08, annualM3: [50_000, 2_000_000] },
];

/** Large intakes have 8-digit registers, small ones 7-digit. */
const LARGE_INTAKE_M3 = 1_000_000;

export function generateFleet(options: GeneratedFleetOptions): FleetMember[] {
  const { count, seed, meterIdPrefix = 'SIM-' } = options;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number >= 0, got ${count}`);
  const width = Math.max(5, String(count).length);
  if (!METER_ID_PATTERN.test(`${meterIdPrefix}${'0'.repeat(width)}`)) {
    throw new RangeError(`meter id prefix "${meterIdPrefix}" must make ids of [A-Za-z0-9_-]{1,64}`);
  }
  const random = randomFor(seed, 'fleet');
  return Array.from({ length: count }, (_, index) => {
    const mix = pickUse(random.next());
    const waterUse = options.waterUse ?? mix.use;
    const range = USE_MIX.find((m) => m.use === waterUse)?.annualM3 ?? mix.annualM3;
    const drawn = range[0] * Math.pow(range[1] / range[0], random.next());
    const annualVolumeM3 = options.annualVolumeM3 ?? roundTo(drawn, 1000);
    const peakFlowM3h = (annualVolumeM3 / 8760) * peakToMean(waterUse);
    return {
      meterId: `${meterIdPrefix}${String(index + 1).padStart(width, '0')}`,
      intakeCode: null,
      waterUse,
      annualVolumeM3,
      maxRateM3h: Math.ceil(peakFlowM3h * ASSUMED_MAX_RATE_HEADROOM * 10) / 10,
      registerMaxM3: annualVolumeM3 >= LARGE_INTAKE_M3 ? 100_000_000 : 10_000_000,
      reportingIntervalS: options.reportingIntervalS ?? DEFAULT_REPORTING_INTERVAL_S,
      scenarios: [],
    };
  });
}

function pickUse(u: number): (typeof USE_MIX)[number] {
  let cumulative = 0;
  for (const entry of USE_MIX) {
    cumulative += entry.share;
    if (u < cumulative) return entry;
  }
  return USE_MIX[0] as (typeof USE_MIX)[number];
}

/** The busiest variant of the use (industrial: 2 or 3 shifts), so the permit allows either. */
function peakToMean(use: WaterUse): number {
  return Math.max(
    profileStatistics(usageProfile(use, { industrialShifts: 2 })).peakToMean,
    profileStatistics(usageProfile(use, { industrialShifts: 3 })).peakToMean,
  );
}

function roundTo(value: number, step: number): number {
  return Math.max(step, Math.round(value / step) * step);
}
