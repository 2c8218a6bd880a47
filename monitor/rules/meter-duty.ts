/**
 * What JJG 162-2019 asks of a meter, by size: meters above DN 50 are verified periodically (every
 * calibrationMonths, or the interval recorded on the meter); small water meters are not re-verified
 * but replaced at the end of a fixed service life (DN ≤ 25: 6 years, DN ≤ 50: 4 years).
 * Weirs/flumes and power-to-water conversion have no such period unless the registry records one.
 */
import type { RuleOptions } from './options.ts';
import type { RuleMeter } from './types.ts';

export type MeterDuty =
  | { kind: 'calibration'; months: number; basis: string }
  | { kind: 'replacement'; years: number; basis: string }
  | { kind: 'none'; basis: string }
  /** The diameter is not recorded: which duty applies cannot be told. */
  | { kind: 'unknown' };

const NOT_PERIODIC: readonly RuleMeter['meterType'][] = ['weir_flume', 'power_conversion'];

export function meterDuty(m: RuleMeter, o: RuleOptions): MeterDuty {
  if (m.calibrationIntervalMonths !== null) {
    return { kind: 'calibration', months: m.calibrationIntervalMonths, basis: 'calibration interval recorded on the meter' };
  }
  if (NOT_PERIODIC.includes(m.meterType)) return { kind: 'none', basis: `${m.meterType}: no verification period unless recorded` };
  if (m.diameterMm === null) return { kind: 'unknown' };
  if (m.diameterMm > o.smallMeterMaxDiameterMm) {
    return { kind: 'calibration', months: o.calibrationMonths, basis: `JJG 162-2019: DN > ${o.smallMeterMaxDiameterMm} mm, every ${o.calibrationMonths} months` };
  }
  if (m.diameterMm <= o.tinyMeterMaxDiameterMm) {
    return { kind: 'replacement', years: o.tinyMeterServiceYears, basis: `JJG 162-2019: DN ≤ ${o.tinyMeterMaxDiameterMm} mm, replaced within ${o.tinyMeterServiceYears} years` };
  }
  return { kind: 'replacement', years: o.smallMeterServiceYears, basis: `JJG 162-2019: DN ≤ ${o.smallMeterMaxDiameterMm} mm, replaced within ${o.smallMeterServiceYears} years` };
}
