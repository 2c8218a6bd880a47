/**
 * Per-meter characteristics that the registry does not hold but a real fleet varies in: shift
 * pattern, how the meter writes times, how much of its permit it normally uses, where its register
 * stands. Drawn from the meter's own seed, so a meter keeps them whatever fleet it is part of.
 */
import { randomFor } from '../random/prng.ts';
import { NORMAL_UTILISATION } from './defaults.ts';
import type { TimestampFormat } from './wire-format.ts';

export interface MeterTraits {
  industrialShifts: 2 | 3;
  timestampFormat: TimestampFormat;
  /** Share of the permitted annual volume that normal use withdraws. */
  utilisation: number;
  /** The register's value (litres) at the first reading, unless a scenario places it. */
  initialRegisterLitres: number;
  /** `seq` of the first reading. */
  firstSeq: number;
}

/** Gateways that send epoch milliseconds instead of RFC 3339. */
const EPOCH_MS_SHARE = 0.2;

export function meterTraits(meterSeed: number, annualVolumeM3: number, registerMaxLitres: number): MeterTraits {
  const random = randomFor(meterSeed, 'traits');
  const industrialShifts = random.chance(0.5) ? 2 : 3;
  const timestampFormat = random.chance(EPOCH_MS_SHARE) ? 'epoch-ms' : 'rfc3339';
  const utilisation = random.between(NORMAL_UTILISATION.min, NORMAL_UTILISATION.max);
  // A meter in service for 1-5 years, kept well below the register maximum (rollover places its own).
  const years = random.between(1, 5);
  const initialRegisterLitres = Math.floor(Math.min(years * annualVolumeM3 * 1000, 0.4 * registerMaxLitres));
  const firstSeq = random.int(0, 1_000_000);
  return { industrialShifts, timestampFormat, utilisation, initialRegisterLitres, firstSeq };
}
