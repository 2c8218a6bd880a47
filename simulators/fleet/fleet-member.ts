/** One simulated meter: what the generator needs to know about it and its intake. */
import type { waterUse } from '../../domain/registry/index.ts';
import type { ScenarioUse } from '../scenarios/scenario.ts';

export type WaterUse = (typeof waterUse.values)[number];

export interface FleetMember {
  /** The id the registry knows and the topic carries (meters/{meterId}/readings). */
  meterId: string;
  /** The intake's registry code, when the member comes from the registry. */
  intakeCode: string | null;
  /** The intake's water use: picks the usage pattern. */
  waterUse: WaterUse;
  /** Permitted annual volume of the intake's current permit; null when it has no valid permit. */
  annualVolumeM3: number | null;
  /** The permit's maximum withdrawal rate; null when the permit sets none. */
  maxRateM3h: number | null;
  /** Where the totalizer wraps to zero; null when the registry does not record it. */
  registerMaxM3: number | null;
  /** The meter's reporting interval in seconds. */
  reportingIntervalS: number;
  /** What to mix into this meter's readings; empty for normal use. */
  scenarios: ScenarioUse[];
}
