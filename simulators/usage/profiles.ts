/**
 * How each kind of water use withdraws over the year, the week and the day (Jilin, north-east
 * China). A profile gives a relative rate: only its shape matters, because the flow model scales it
 * to a target annual volume. Shapes are smooth so that readings at any interval look plausible.
 */
import type { LocalMoment } from '../../platform/local-time.ts';
import type { WaterUse } from '../fleet/fleet-member.ts';

export interface UsageProfile {
  /** A stable name, also the cache key of the profile's normalisation. */
  readonly key: string;
  /** Relative withdrawal rate at a local moment (>= 0), before days off and noise. */
  readonly relativeRate: (at: LocalMoment) => number;
  /** Probability that a whole local day has no withdrawal (rain for irrigation, maintenance). */
  readonly dayOffChance: (at: LocalMoment) => number;
  /** Day-to-day spread of the volume (relative standard deviation). */
  readonly dailySpread: number;
  /** Interval-to-interval spread of the flow (relative standard deviation). */
  readonly intervalSpread: number;
}

/** A bump centred on `hour` (local), `width` hours wide (standard deviation), wrapping at midnight. */
function peak(hour: number, centre: number, width: number): number {
  const d = Math.min(Math.abs(hour - centre), 24 - Math.abs(hour - centre));
  return Math.exp(-(d * d) / (2 * width * width));
}

/** 0 before `from`, 1 after `to`, a cosine ramp between. */
function ramp(hour: number, from: number, to: number): number {
  if (hour <= from) return 0;
  if (hour >= to) return 1;
  return 0.5 - 0.5 * Math.cos((Math.PI * (hour - from)) / (to - from));
}

/** Interpolates monthly values given at mid-month, so the season changes smoothly. */
function monthly(values: readonly number[], at: LocalMoment): number {
  const position = (at.dayOfYear / 365.25) * 12 - 0.5; // 0 = mid-January
  const lower = Math.floor(position);
  const fraction = position - lower;
  const a = values[(lower + 12) % 12] ?? 0;
  const b = values[(lower + 13) % 12] ?? 0;
  return a + (b - a) * fraction;
}

/** Summer is hotter and thirstier; peaks in mid-July (day 196). */
function summerSwing(at: LocalMoment, amplitude: number): number {
  return 1 + amplitude * Math.cos((2 * Math.PI * (at.dayOfYear - 196)) / 365.25);
}

// Jilin irrigation: frozen ground November to March, rice paddies soaked and flooded May to August.
const IRRIGATION_SEASON = [0, 0, 0.01, 0.15, 0.85, 1, 1, 0.75, 0.3, 0.06, 0.01, 0];

const agricultural: UsageProfile = {
  key: 'agricultural',
  relativeRate: (at) => {
    // Pumps run by day: up from 05:00 to 08:00, down from 17:00 to 20:00, a little night irrigation.
    const daytime = ramp(at.hour, 5, 8) * (1 - ramp(at.hour, 17, 20));
    return monthly(IRRIGATION_SEASON, at) * (0.08 + 0.92 * daytime + 0.1 * peak(at.hour, 12.5, 2));
  },
  dayOffChance: () => 0.25,
  dailySpread: 0.25,
  intervalSpread: 0.1,
};

function industrial(shifts: 2 | 3): UsageProfile {
  return {
    key: `industrial-${shifts}-shift`,
    relativeRate: (at) => {
      const daily =
        shifts === 3
          ? 1 - 0.3 * (peak(at.hour, 6, 0.4) + peak(at.hour, 14, 0.4) + peak(at.hour, 22, 0.4))
          : 0.12 + 0.88 * ramp(at.hour, 5.5, 7) * (1 - ramp(at.hour, 21.5, 23));
      const weekly = at.weekday === 6 ? 0.75 : at.weekday === 0 ? 0.55 : 1;
      // National Day golden week (1-7 October): most plants run reduced.
      const holiday = at.month === 10 && at.dayOfMonth <= 7 ? 0.5 : 1;
      return daily * weekly * holiday * summerSwing(at, 0.05);
    },
    dayOffChance: () => 0.01,
    dailySpread: 0.08,
    intervalSpread: 0.08,
  };
}

const publicSupply: UsageProfile = {
  key: 'public_supply',
  relativeRate: (at) =>
    (0.55 + 0.55 * peak(at.hour, 7.5, 1.3) + 0.15 * peak(at.hour, 12, 1.5) + 0.45 * peak(at.hour, 19.5, 1.8)) * summerSwing(at, 0.12),
  dayOffChance: () => 0,
  dailySpread: 0.05,
  intervalSpread: 0.05,
};

const domestic: UsageProfile = {
  key: 'domestic',
  relativeRate: (at) => (0.2 + peak(at.hour, 7, 1) + 0.4 * peak(at.hour, 12, 1) + 0.9 * peak(at.hour, 19, 1.5)) * summerSwing(at, 0.15),
  dayOffChance: () => 0,
  dailySpread: 0.1,
  intervalSpread: 0.12,
};

const flat: UsageProfile = {
  key: 'flat',
  relativeRate: () => 1,
  dayOffChance: () => 0,
  dailySpread: 0.03,
  intervalSpread: 0.03,
};

/** Per-meter traits that pick a variant of a profile. */
export interface ProfileTraits {
  industrialShifts: 2 | 3;
}

export function usageProfile(use: WaterUse, traits: ProfileTraits): UsageProfile {
  switch (use) {
    case 'agricultural':
      return agricultural;
    case 'industrial':
      return industrial(traits.industrialShifts);
    case 'public_supply':
      return publicSupply;
    case 'domestic':
      return domestic;
    case 'ecological':
    case 'other':
      return flat;
  }
}
