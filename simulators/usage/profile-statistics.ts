/**
 * The mean and peak of a usage profile over a year, so that the flow model can scale the profile to
 * a target annual volume (mean = 1) and a generated permit can allow the profile's peak rate.
 */
import { localDayStart } from '../../platform/local-time.ts';
import { localMoment } from '../../platform/local-time.ts';
import type { UsageProfile } from './profiles.ts';

export interface ProfileStatistics {
  /** Mean relative rate over the year, days off included. */
  mean: number;
  /** Highest relative rate divided by the mean: how far above average the busiest hour is. */
  peakToMean: number;
}

// A non-leap reference year, sampled at the middle of every hour (8760 samples).
const REFERENCE_YEAR_START_MS = localDayStart('2025-01-01');
const HOURS_PER_YEAR = 8760;

const cache = new Map<string, ProfileStatistics>();

export function profileStatistics(profile: UsageProfile): ProfileStatistics {
  const cached = cache.get(profile.key);
  if (cached) return cached;
  let sum = 0;
  let highest = 0;
  for (let h = 0; h < HOURS_PER_YEAR; h++) {
    const at = localMoment(REFERENCE_YEAR_START_MS + (h + 0.5) * 3600_000);
    const rate = profile.relativeRate(at);
    sum += rate * (1 - profile.dayOffChance(at));
    highest = Math.max(highest, rate);
  }
  const mean = sum / HOURS_PER_YEAR;
  const statistics = { mean, peakToMean: highest / mean };
  cache.set(profile.key, statistics);
  return statistics;
}
