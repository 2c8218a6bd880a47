/**
 * Input and output of the rules engine (docs/rules.md). The engine is pure: the caller reads the
 * registry and the stored accounts from PostgreSQL (and, for the rate and hours rules, the day's
 * readings from InfluxDB), calls evaluateIntake(), and turns the findings into ledger entries.
 */
import type { AccountReading, DailyAccount } from '../accounts/index.ts';
import type { Intake, Meter, Permit } from '../registry/index.ts';
import type { Finding as LedgerFinding } from '../ledger/index.ts';
import type { FindingKind, RuleId } from './catalogue.ts';

// ---------------------------------------------------------------------------------------- input

/** Columns of `intakes` the rules read. */
export type RuleIntake = Pick<
  Intake,
  'id' | 'code' | 'countyCode' | 'waterUse' | 'sourceType' | 'permitExempt' | 'bundledSmallIrrigation' | 'status'
>;

/** Columns of `permits` the rules read (all permits of the intake, any status). */
export type RulePermit = Pick<
  Permit,
  | 'id'
  | 'permitNumber'
  | 'validFrom'
  | 'validTo'
  | 'status'
  | 'annualVolumeM3'
  | 'monthlyPlanM3'
  | 'dailyLimitM3'
  | 'maxRateM3h'
  | 'seasonStart'
  | 'seasonEnd'
  | 'hoursStart'
  | 'hoursEnd'
>;

/** The meter's last MQTT status message (`meters/{id}/status`, retained) and when it arrived. */
export interface MeterConnection {
  state: 'online' | 'offline';
  sinceMs: number;
}

/** Columns of `meters` the rules read, plus what ingest knows of the meter's last contact. */
export type RuleMeter = Pick<
  Meter,
  | 'meterId'
  | 'meterType'
  | 'readingMode'
  | 'accuracyClass'
  | 'diameterMm'
  | 'reportingIntervalS'
  | 'installedOn'
  | 'lastCalibratedOn'
  | 'calibrationIntervalMonths'
  | 'status'
> & {
  /** Timestamp of the meter's latest reading ever (InfluxDB `last(total_m3)`), null if it never reported. */
  lastReadingMs: number | null;
  connection: MeterConnection | null;
};

/**
 * Sums over a calendar year ('2026') or month ('2026-06') of the stored daily accounts, from the
 * period's first day through `throughDay` inclusive: one SQL aggregate per intake (docs/rules.md).
 */
export interface PeriodUsage {
  period: string;
  /** Last local day summed (YYYY-MM-DD), inside the period. */
  throughDay: string;
  /** Σ volume_m3 (a missing day counts 0, so this is a lower bound when missingDays > 0). */
  volumeM3: number;
  missingDays: number;
  /** Σ expected_reports and Σ completeness × expected_reports (reports received, capped per meter). */
  expectedReports: number;
  completeReports: number;
}

/** One meter's readings over the evaluated days, as fetched for accounting (readingWindow()). */
export interface MeterReadings {
  meterId: string;
  readings: readonly Pick<AccountReading, 'ts' | 'totalM3' | 'flowM3h'>[];
}

export interface IntakeRuleInput {
  intake: RuleIntake;
  permits: readonly RulePermit[];
  /** All meters of the intake, any status (rules look at the active ones). */
  meters: readonly RuleMeter[];
  /** The evaluated days' accounts (computeDailyAccounts output, or as stored); may be empty for a sweep. */
  accounts: readonly DailyAccount[];
  /** The year and month aggregates to check (usually those of the latest evaluated day). */
  periods: readonly PeriodUsage[];
  /** Readings of the evaluated days per meter; null when not fetched (the rate and hours rules are then not evaluated). */
  readings: readonly MeterReadings[] | null;
}

export interface UnregisteredMeterInput {
  meterId: string;
  /** The county if known (an SL651 station address begins with it), else null: the province gets the item. */
  countyCode: string | null;
  firstSeenMs: number;
  lastSeenMs: number;
  readings: number;
}

// --------------------------------------------------------------------------------------- output

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type Evidence = { [key: string]: JsonValue };

/**
 * What a rule found: the ledger's Finding (domain/ledger/finding.ts, where the fields are
 * described), narrowed to this catalogue's rules and to JSON evidence. The subject is a permit
 * number, a meter id or the intake code; the summary is the Chinese sentence, " / ", the English.
 */
export interface Finding extends LedgerFinding {
  rule: RuleId;
  kind: FindingKind;
  evidence: Evidence;
}

/**
 * A rule's finding before the engine adds rule, kind, intake and county (rule.ts, FindingDraft),
 * with the fingerprint required: what the rules of a continuing condition (a silent meter, an
 * overdue calibration) return, so that re-finding it with moving figures refreshes its open item
 * without an event (Finding.fingerprint in domain/ledger/finding.ts).
 */
export type FingerprintedDraft = Pick<Finding, 'subject' | 'windowStartMs' | 'windowEndMs' | 'summary' | 'evidence'> & {
  fingerprint: string;
};

/** A (rule, subject) that was evaluated and found nothing: an open item on it has cleared. */
export interface ClearedSubject {
  rule: RuleId;
  subject: string;
}

export interface Evaluation {
  findings: Finding[];
  /** Rules evaluated that found nothing at all. A rule that could not be evaluated is in neither list. */
  clear: RuleId[];
  /** Finer than `clear`: every evaluated subject without a finding, also of rules that fired on others. */
  clearSubjects: ClearedSubject[];
}
