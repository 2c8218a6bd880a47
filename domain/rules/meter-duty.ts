/**
 * What JJG 162-2019 asks of a meter, by size: meters above DN 50 are verified periodically (every
 * calibrationMonths, or the interval recorded on the meter); small water meters are not re-verified
 * but replaced at the end of a fixed service life (DN ≤ 25: 6 years, DN ≤ 50: 4 years).
 * Weirs/flumes and power-to-water conversion have no such period unless the registry records one.
 */
import { daysBetween, localDayEnd } from '../../platform/local-time.ts';
import type { RuleId } from './catalogue.ts';
import { bilingual } from './format.ts';
import type { RuleOptions } from './options.ts';
import { checkingOutOfService, type IntakeRule } from './rule.ts';
import type { Evidence, FingerprintedDraft, RuleMeter } from './types.ts';

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
    return {
      kind: 'calibration',
      months: o.calibrationMonths,
      basis: `JJG 162-2019: DN > ${o.smallMeterMaxDiameterMm} mm, every ${o.calibrationMonths} months`,
    };
  }
  if (m.diameterMm <= o.tinyMeterMaxDiameterMm) {
    return {
      kind: 'replacement',
      years: o.tinyMeterServiceYears,
      basis: `JJG 162-2019: DN ≤ ${o.tinyMeterMaxDiameterMm} mm, replaced within ${o.tinyMeterServiceYears} years`,
    };
  }
  return {
    kind: 'replacement',
    years: o.smallMeterServiceYears,
    basis: `JJG 162-2019: DN ≤ ${o.smallMeterMaxDiameterMm} mm, replaced within ${o.smallMeterServiceYears} years`,
  };
}

type PeriodicDuty = Extract<MeterDuty, { kind: 'calibration' | 'replacement' }>;

/** What distinguishes the calibration-overdue and replacement-due rules. */
export interface DueDateRuleSpec<K extends PeriodicDuty['kind']> {
  kind: K;
  /** The day (YYYY-MM-DD) by which the duty was due. */
  dueOn: (m: RuleMeter, duty: Extract<PeriodicDuty, { kind: K }>) => string;
  sentence: (m: RuleMeter, duty: Extract<PeriodicDuty, { kind: K }>, due: string, overdueDays: number) => { zh: string; en: string };
  /** Evidence of this duty, beside the meter, basis, due date and overdue days every such item has. */
  evidence: (m: RuleMeter, duty: Extract<PeriodicDuty, { kind: K }>) => Evidence;
}

/**
 * An item for every active meter whose `kind` of duty fell due before today. A meter whose duty
 * cannot be told (no diameter) is not checked; the rule is not evaluated when no meter is.
 */
export function dueDateRule<K extends PeriodicDuty['kind']>(id: RuleId, spec: DueDateRuleSpec<K>): IntakeRule {
  const isKind = (duty: MeterDuty): duty is Extract<PeriodicDuty, { kind: K }> => duty.kind === spec.kind;
  return {
    id,
    evaluate(ctx) {
      const checked: string[] = [];
      const findings: FingerprintedDraft[] = [];
      for (const m of ctx.activeMeters) {
        const duty = meterDuty(m, ctx.options);
        if (duty.kind === 'unknown') continue;
        checked.push(m.meterId);
        if (!isKind(duty)) continue;
        const due = spec.dueOn(m, duty);
        if (ctx.today <= due) continue;
        const overdueDays = daysBetween(due, ctx.today);
        const said = spec.sentence(m, duty, due, overdueDays);
        findings.push({
          subject: m.meterId,
          windowStartMs: localDayEnd(due),
          windowEndMs: ctx.now,
          summary: bilingual(said.zh, said.en),
          evidence: {
            meterId: m.meterId,
            meterType: m.meterType,
            diameterMm: m.diameterMm,
            installedOn: m.installedOn,
            ...spec.evidence(m, duty),
            basis: duty.basis,
            dueOn: due,
            today: ctx.today,
            overdueDays,
          },
          // The meter and its due date: the overdue days counting up do not make it another condition.
          fingerprint: `${m.meterId}@${due}`,
        });
      }
      if (checked.length === 0 && ctx.activeMeters.length > 0) return null;
      return checkingOutOfService(ctx, { findings, checked });
    },
  };
}
