/** Values the generator assumes when the registry leaves them open. */
import type { WaterUse } from '../fleet/fleet-member.ts';

/** Reporting interval of a meter that does not say (the registry's default too). */
export const DEFAULT_REPORTING_INTERVAL_S = 900;

/** An 8-digit register (up to 99,999,999 m3) is the usual size at large intakes. */
export const DEFAULT_REGISTER_MAX_M3 = 100_000_000;

/** Annual volume assumed for an intake without a valid permit, by water use (typical sizes). */
export const ASSUMED_ANNUAL_VOLUME_M3: Readonly<Record<WaterUse, number>> = {
  agricultural: 200_000,
  industrial: 500_000,
  public_supply: 2_000_000,
  domestic: 50_000,
  ecological: 300_000,
  other: 100_000,
};

/** A permit without a maximum rate is given this multiple of the profile's peak rate. */
export const ASSUMED_MAX_RATE_HEADROOM = 2;

/** Normal use takes this share of the permitted annual volume (seeded per meter within the range). */
export const NORMAL_UTILISATION = { min: 0.6, max: 0.85 } as const;

/** Normal flow stays below this share of the maximum rate: pumps are sized to the permit. */
export const NORMAL_FLOW_CEILING_OF_MAX_RATE = 0.95;
