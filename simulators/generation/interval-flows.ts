/**
 * The water that flows in each reporting interval: the usage profile scaled to the target annual
 * volume, a seeded factor per local day (days off, wetter or busier days), seeded noise per interval,
 * capped below the maximum rate, then the scenarios' changes (spikes, forced flow, power off).
 * The interval ending at tick k is (tick k-1, tick k]; its volume is its mean flow times its length.
 */
import { createRandom, hashSeed, hashUnit, randomFor } from '../random/prng.ts';
import { tickTime } from '../scenarios/tick-grid.ts';
import { type LocalMoment, localMoment } from '../../platform/local-time.ts';
import { profileStatistics } from '../usage/profile-statistics.ts';
import { type MeterPlan, targetMeanFlowM3h } from './meter-plan.ts';

export interface IntervalFlow {
  tick: number;
  /** Mean flow over the interval (m3/h), as the meter reports it (0.001 m3/h resolution). */
  flowM3h: number;
  /** Volume of the interval in litres (exact: flow x time, before the register's rounding). */
  litres: number;
}

const HOUR_MS = 3_600_000;

export function* intervalFlows(plan: MeterPlan): Generator<IntervalFlow> {
  const { grid, profile, meterSeed, effects } = plan;
  const scale = targetMeanFlowM3h(plan) / profileStatistics(profile).mean;
  const noise = randomFor(meterSeed, 'interval-noise');
  const hours = grid.intervalMs / HOUR_MS;
  // Long intervals average the profile hour by hour, so that a daily reading sees the whole day.
  const samples = Math.max(1, Math.ceil(hours));
  const dayFactor = dailyFactors(meterSeed, profile.dailySpread, profile.dayOffChance);
  for (let tick = 0; tick < grid.count; tick++) {
    const start = tickTime(grid, tick) - grid.intervalMs;
    let shape = 0;
    for (let s = 0; s < samples; s++) {
      const at = localMoment(start + ((s + 0.5) * grid.intervalMs) / samples);
      shape += profile.relativeRate(at) * dayFactor(at);
    }
    const modelled = scale * (shape / samples) * Math.max(0, 1 + profile.intervalSpread * noise.gaussian());
    const flow = effects.flow(tick, Math.min(modelled, plan.flowCeilingM3h));
    const flowM3h = Math.round(flow * 1000) / 1000;
    yield { tick, flowM3h, litres: flowM3h * hours * 1000 };
  }
}

/** The factor of each local day: 0 on a day off, otherwise around 1. Cached for the current day. */
function dailyFactors(meterSeed: number, spread: number, dayOffChance: (at: LocalMoment) => number): (at: LocalMoment) => number {
  let day = Number.NaN;
  let factor = 1;
  return (at) => {
    if (at.dayNumber !== day) {
      day = at.dayNumber;
      const off = hashUnit(meterSeed, 'day-off', day) < dayOffChance(at);
      factor = off ? 0 : Math.max(0, 1 + spread * createRandom(hashSeed(meterSeed, 'day-volume', day)).gaussian());
    }
    return factor;
  };
}
