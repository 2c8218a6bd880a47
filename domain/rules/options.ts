/**
 * Every threshold of the rules, with its default from the brief (section 4) or, where the brief
 * names none, this module's choice (docs/rules.md says which and why). A province and an intake
 * may override any of them; resolveRuleOptions() merges defaults <- province <- intake and checks
 * the result with zod, so a bad setting fails with the layer and field named.
 */
import { z } from 'zod';
import { type AccountingOptions, AccountingOptionsError, DEFAULT_ACCOUNTING_OPTIONS, resolveAccountingOptions } from '../accounts/index.ts';
import { divisionCode } from '../registry/index.ts';
import { BUNDLE_MAX_ANNUAL_M3, meterType } from '../registry/index.ts';
import { RULE_IDS } from './catalogue.ts';

const DAY_MS = 86_400_000;

const fraction = z.number().gt(0).lt(1);
const positiveInt = z.number().int().positive();
const nonNegative = z.number().min(0).refine(Number.isFinite, 'must be finite');
/** Required accuracy class per meter type; null: no requirement (nothing to check). */
const accuracyTable = z.strictObject(
  Object.fromEntries(meterType.values.map((t) => [t, z.number().positive().max(10).nullable()])) as Record<
    (typeof meterType.values)[number],
    z.ZodNullable<z.ZodNumber>
  >,
);

const ruleOptionsShape = {
  /** Findings whose county is unknown (an unregistered meter) go to this province. */
  provinceCode: divisionCode,
  /** Rules switched off for this province or intake: neither findings nor clear. */
  disabledRules: z.array(z.enum(RULE_IDS)),
  /** Renewal notice when a permit expires within this many days and no later permit is recorded. */
  renewalNoticeDays: positiveInt.max(3650),
  /** A bundled small-irrigation intake is exempt from holding a permit while its year volume stays at or below this. */
  bundleMaxAnnualM3: nonNegative,
  /** Early warnings at these shares of the annual volume or monthly plan (ascending). */
  earlyWarningFractions: z.array(fraction).min(1).max(5),
  /** "Projected to exceed" is only judged once this many days of the year / month have passed. */
  annualProjectionMinDays: nonNegative.max(366),
  monthlyProjectionMinDays: nonNegative.max(31),
  /** Rate above the permitted maximum must last this long (first to last exceeding sample). */
  rateSustainedMs: positiveInt,
  /** Samples further apart than this many reporting intervals break a run and are not held over the gap. */
  sampleGapFactor: z.number().min(1).max(100),
  /** Volume withdrawn outside the season or hours below this is noise (the boundary intervals' share). */
  outsideWindowMinM3: nonNegative,
  /** Online metering is required from these annual permitted volumes. */
  onlineMeteringSurfaceM3: nonNegative,
  onlineMeteringGroundwaterM3: nonNegative,
  /** Offline notice after this many reporting intervals without a reading. */
  offlineIntervals: z.number().min(1).max(1000),
  /** Silent item after this long without a reading. */
  silentItemMs: positiveInt,
  /** Completeness warns below this share on a day (notice), and is an item below this share for a month. */
  dailyCompletenessMin: fraction,
  monthlyCompletenessMin: fraction,
  /** Verification period of meters larger than smallMeterMaxDiameterMm (JJG 162-2019: 2 years). */
  calibrationMonths: positiveInt.max(240),
  /** Small meters are not re-verified but replaced: DN ≤ small within smallMeterServiceYears, DN ≤ tiny within tinyMeterServiceYears. */
  smallMeterMaxDiameterMm: positiveInt,
  smallMeterServiceYears: positiveInt.max(30),
  tinyMeterMaxDiameterMm: positiveInt,
  tinyMeterServiceYears: positiveInt.max(30),
  /** Largest acceptable accuracy class per meter type (class 2 = ±2 %). */
  accuracyClassRequired: accuracyTable,
};

const ruleOptionsSchema = z
  .strictObject(ruleOptionsShape)
  .refine((o) => o.earlyWarningFractions.every((f, i, all) => i === 0 || f > (all[i - 1] ?? 0)), {
    path: ['earlyWarningFractions'],
    error: 'must be strictly ascending',
  })
  .refine((o) => o.tinyMeterMaxDiameterMm <= o.smallMeterMaxDiameterMm, {
    path: ['tinyMeterMaxDiameterMm'],
    error: 'must not exceed smallMeterMaxDiameterMm',
  });

type RuleThresholds = z.infer<typeof ruleOptionsSchema>;

export type AccuracyTable = RuleThresholds['accuracyClassRequired'];

export interface RuleOptions extends RuleThresholds {
  /** The accounting thresholds (stuck register, flow mismatch, clock drift, fault flags, rollover):
   *  the caller passes these to computeDailyAccounts() so one configuration governs both. */
  accounting: AccountingOptions;
}

/** What a province or an intake may override: any field; the accuracy table and accounting field by field. */
export interface RuleOptionsOverrides extends Partial<Omit<RuleThresholds, 'accuracyClassRequired'>> {
  accuracyClassRequired?: Partial<AccuracyTable>;
  accounting?: Partial<AccountingOptions>;
}

const overridesSchema = z.strictObject({
  ...Object.fromEntries(Object.entries(ruleOptionsShape).map(([k, s]) => [k, s.optional()])),
  accuracyClassRequired: accuracyTable.partial().optional(),
  // Checked by resolveAccountingOptions, which knows its own rules.
  accounting: z.record(z.string(), z.unknown()).optional(),
});

export const DEFAULT_RULE_OPTIONS: Readonly<RuleOptions> = Object.freeze({
  provinceCode: '220000', // Jilin, the brief's source document
  disabledRules: [],
  renewalNoticeDays: 45, // withdrawal-permit regulation: renew 45 days ahead
  bundleMaxAnnualM3: BUNDLE_MAX_ANNUAL_M3, // campaign plan: bundles are for intakes under 1000 m³/year
  earlyWarningFractions: [0.8, 0.9], // brief: [80 %, 90 %, projected to exceed]
  annualProjectionMinDays: 30, // this module: a year projected from a few days is noise
  monthlyProjectionMinDays: 7,
  rateSustainedMs: 15 * 60_000, // brief: [15 minutes]
  sampleGapFactor: 2, // as the accounting core's flowCheckMaxIntervalFactor
  outsideWindowMinM3: 1, // this module: as the accounting core's flowCheckMinVolumeM3
  onlineMeteringSurfaceM3: 500_000, // MWR 2021 opinion
  onlineMeteringGroundwaterM3: 50_000, // MWR 2021 opinion
  offlineIntervals: 3, // brief: [3 × reporting interval]
  silentItemMs: 3 * DAY_MS, // brief: [silent >= 3 days]
  dailyCompletenessMin: 0.95, // brief
  monthlyCompletenessMin: 0.9, // brief
  calibrationMonths: 24, // JJG 162-2019: DN > 50 every 2 years
  smallMeterMaxDiameterMm: 50, // JJG 162-2019
  smallMeterServiceYears: 4,
  tinyMeterMaxDiameterMm: 25,
  tinyMeterServiceYears: 6,
  accuracyClassRequired: {
    // docs/rules.md, "Accuracy table": this module's reading of GB/T 28714 (closed conduit ±2.5 %,
    // water meters class 2, open channel ±5 %; power-to-water conversion is an estimate, no class).
    electromagnetic: 2.5,
    ultrasonic: 2.5,
    mechanical: 2,
    weir_flume: 5,
    power_conversion: null,
  },
  accounting: DEFAULT_ACCOUNTING_OPTIONS,
});

export class RuleOptionsError extends Error {
  override name = 'RuleOptionsError';
}

function describeIssues(layer: string, error: z.ZodError): string {
  const lines = error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
  return `invalid ${layer} rule options: ${lines.join('; ')}`;
}

function checkOverrides(layer: string, overrides: RuleOptionsOverrides): void {
  const parsed = overridesSchema.safeParse(overrides);
  if (!parsed.success) throw new RuleOptionsError(describeIssues(layer, parsed.error));
}

/** defaults <- province <- intake, validated. Throws RuleOptionsError naming the bad field. */
export function resolveRuleOptions(layers: { province?: RuleOptionsOverrides; intake?: RuleOptionsOverrides } = {}): RuleOptions {
  const province = layers.province ?? {};
  const intake = layers.intake ?? {};
  checkOverrides('province', province);
  checkOverrides('intake', intake);
  const merged = {
    ...withoutAccounting(DEFAULT_RULE_OPTIONS),
    ...withoutAccounting(province),
    ...withoutAccounting(intake),
    accuracyClassRequired: {
      ...DEFAULT_RULE_OPTIONS.accuracyClassRequired,
      ...province.accuracyClassRequired,
      ...intake.accuracyClassRequired,
    },
  };
  const parsed = ruleOptionsSchema.safeParse(merged);
  if (!parsed.success) throw new RuleOptionsError(describeIssues('merged', parsed.error));
  let accounting: AccountingOptions;
  try {
    accounting = resolveAccountingOptions({ ...province.accounting, ...intake.accounting });
  } catch (e) {
    if (e instanceof AccountingOptionsError) throw new RuleOptionsError(`invalid accounting rule options: ${e.message}`);
    throw e;
  }
  return Object.freeze({ ...parsed.data, accounting });
}

/** The thresholds without the accounting section, which resolveAccountingOptions checks on its own. */
function withoutAccounting<T extends { accounting?: unknown }>(o: T): Omit<T, 'accounting'> {
  const copy: Partial<T> = { ...o };
  delete copy.accounting;
  return copy as Omit<T, 'accounting'>;
}
