/** Builders for the rules tests: a normal intake that breaks no rule, and small changes to it. */
import { computeDailyAccounts } from '../../accounts/index.ts';
import { local } from '../../accounts/testing/fixtures.ts';
import type { AccountReading, DailyAccount, MeterAttributes } from '../../accounts/index.ts';
import type { RuleId } from '../catalogue.ts';
import { evaluateIntake } from '../evaluate.ts';
import { resolveRuleOptions, type RuleOptionsOverrides } from '../options.ts';
import type { Evaluation, Finding, IntakeRuleInput, PeriodUsage, RuleIntake, RuleMeter, RulePermit } from '../types.ts';

export { local };

/** "Now" of the normal scenario: 15 June 2026, noon local. */
export const NOW = local('2026-06-15 12:00');
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export function intake(extra: Partial<RuleIntake> = {}): RuleIntake {
  return {
    id: '7',
    code: 'QK001',
    countyCode: '220102',
    waterUse: 'industrial',
    sourceType: 'river',
    permitExempt: false,
    bundledSmallIrrigation: false,
    status: 'active',
    ...extra,
  };
}

export function permit(extra: Partial<RulePermit> = {}): RulePermit {
  return {
    id: '11',
    permitNumber: 'P-001',
    validFrom: '2024-01-01',
    validTo: '2028-12-31',
    status: 'valid',
    annualVolumeM3: 1_000_000,
    monthlyPlanM3: Array.from({ length: 12 }, () => 100_000),
    dailyLimitM3: 5000,
    maxRateM3h: 300,
    seasonStart: null,
    seasonEnd: null,
    hoursStart: null,
    hoursEnd: null,
    ...extra,
  };
}

export function meter(extra: Partial<RuleMeter> = {}): RuleMeter {
  return {
    meterId: 'M1',
    meterType: 'electromagnetic',
    readingMode: 'online',
    accuracyClass: 0.5,
    diameterMm: 200,
    reportingIntervalS: 900,
    installedOn: '2025-01-01',
    lastCalibratedOn: '2025-06-01',
    calibrationIntervalMonths: null,
    status: 'active',
    lastReadingMs: NOW - 10 * MINUTE,
    connection: { state: 'online', sinceMs: local('2026-06-01 08:00') },
    ...extra,
  };
}

/** Readings every `stepMin` minutes from `from` for `count` steps; flow matches the advance unless given. */
export function series(
  from: string,
  count: number,
  stepMin: number,
  startTotal: number,
  perStep: number,
  extra: Partial<AccountReading> = {},
): AccountReading[] {
  return Array.from({ length: count }, (_, i) => {
    const ts = local(from) + i * stepMin * MINUTE;
    return { ts, totalM3: startTotal + i * perStep, flowM3h: (perStep * 60) / stepMin, receivedMs: ts + 5000, ...extra };
  });
}

/** A normal day: 100 m³/h around the clock on 14 June (2400 m³), with an hour of context each side. */
export function normalReadings(): AccountReading[] {
  return series('2026-06-13 23:00', 26 * 4 + 1, 15, 10_000, 25);
}

export function accountsFor(
  fromDay: string,
  toDay: string,
  readings: Record<string, AccountReading[]>,
  meters: Partial<MeterAttributes>[] = [],
): DailyAccount[] {
  return computeDailyAccounts({
    fromDay,
    toDay,
    meters: Object.entries(readings).map(([meterId, list]) => ({
      meter: { meterId, reportingIntervalS: 900, registerMaxM3: null, ...meters.find((m) => m.meterId === meterId) },
      readings: list,
      before: null,
      after: null,
    })),
    replacements: [],
  });
}

export function period(period: string, throughDay: string, volumeM3: number, extra: Partial<PeriodUsage> = {}): PeriodUsage {
  return { period, throughDay, volumeM3, missingDays: 0, expectedReports: 96, completeReports: 96, ...extra };
}

/** The normal intake: a permit in force, one online meter, a normal day, year and month well inside the limits. */
export function normalInput(extra: Partial<IntakeRuleInput> = {}): IntakeRuleInput {
  const readings = normalReadings();
  return {
    intake: intake(),
    permits: [permit()],
    meters: [meter()],
    accounts: accountsFor('2026-06-14', '2026-06-14', { M1: readings }),
    periods: [
      period('2026', '2026-06-15', 400_000),
      period('2026-06', '2026-06-15', 30_000),
      period('2026-05', '2026-05-31', 70_000, { expectedReports: 2976, completeReports: 2950 }),
    ],
    readings: [{ meterId: 'M1', readings }],
    ...extra,
  };
}

export function evaluate(input: IntakeRuleInput, now = NOW, overrides: RuleOptionsOverrides = {}): Evaluation {
  return evaluateIntake(input, now, resolveRuleOptions({ intake: overrides }));
}

export function findingsOf(e: Evaluation, rule: RuleId): Finding[] {
  return e.findings.filter((f) => f.rule === rule);
}

/** The only finding of `rule`, failing the test if there is not exactly one. */
export function onlyFinding(e: Evaluation, rule: RuleId): Finding {
  const list = findingsOf(e, rule);
  const [first] = list;
  if (list.length !== 1 || !first)
    throw new Error(`expected one ${rule} finding, got ${list.length}: ${JSON.stringify(e.findings.map((f) => f.rule))}`);
  return first;
}

/** Whether the rule ran and found nothing. */
export function isClear(e: Evaluation, rule: RuleId): boolean {
  return e.clear.includes(rule);
}
