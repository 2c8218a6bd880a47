/**
 * Kysely's view of the PostgreSQL tables. Kept by hand beside the migrations: a column added in a
 * migration is added here in the same commit. numeric columns arrive from pg as strings (exact
 * decimals); repositories convert them at the boundary.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Timestamps with a database default: optional on insert. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** pg returns numeric as string to keep precision; we write numbers. */
type Numeric = ColumnType<string, number | string, number | string>;
type NullableNumeric = ColumnType<string | null, number | string | null | undefined, number | string | null>;
/** `date` columns are parsed as ISO strings (see the type parser in database.ts). */
type DateString = ColumnType<string, string, string>;
type NullableDateString = ColumnType<string | null, string | null | undefined, string | null>;

export interface DivisionsTable {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county';
  parent_code: string | null;
}

export interface WithdrawalUnitsTable {
  id: Generated<string>;
  name: string;
  kind: 'organisation' | 'person';
  credit_code: string | null;
  county_code: string;
  county_level: ColumnType<'county', never, never>;
  contact_person: string | null;
  contact_phone: string | null;
  status: Generated<'active' | 'suspended' | 'retired'>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IntakesTable {
  id: Generated<string>;
  code: string;
  name: string;
  county_code: string;
  county_level: ColumnType<'county', never, never>;
  unit_id: ColumnType<string, string | number, string | number>;
  longitude: Numeric;
  latitude: Numeric;
  source_type: string;
  non_conventional_kind: string | null;
  source_name: string | null;
  water_use: string;
  intake_kind: string;
  well_diameter_mm: number | null;
  bundled_small_irrigation: Generated<boolean>;
  confidential: Generated<boolean>;
  permit_exempt: Generated<boolean>;
  status: Generated<'active' | 'suspended' | 'retired'>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PermitsTable {
  id: Generated<string>;
  permit_number: string;
  intake_id: ColumnType<string, string | number, string | number>;
  issuing_level: string;
  valid_from: DateString;
  valid_to: DateString;
  annual_volume_m3: Numeric;
  monthly_plan_m3: ColumnType<string[] | null, number[] | null | undefined, number[] | null>;
  daily_limit_m3: NullableNumeric;
  max_rate_m3h: NullableNumeric;
  season_start: string | null;
  season_end: string | null;
  hours_start: string | null;
  hours_end: string | null;
  status: Generated<'valid' | 'suspended' | 'revoked'>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MetersTable {
  id: Generated<string>;
  meter_id: string;
  intake_id: ColumnType<string, string | number, string | number>;
  meter_type: string;
  reading_mode: 'online' | 'manual';
  accuracy_class: NullableNumeric;
  diameter_mm: number | null;
  register_max_m3: NullableNumeric;
  reporting_interval_s: Generated<number>;
  installed_on: DateString;
  last_calibrated_on: NullableDateString;
  calibration_interval_months: number | null;
  status: Generated<'active' | 'replaced' | 'retired'>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MeterReplacementsTable {
  id: Generated<string>;
  old_meter_id: ColumnType<string, string | number, string | number>;
  new_meter_id: ColumnType<string, string | number, string | number>;
  replaced_at: ColumnType<Date, Date | string, Date | string>;
  old_final_total_m3: Numeric;
  new_initial_total_m3: Numeric;
  note: string | null;
  created_at: Timestamp;
}

export interface RegistryChangesTable {
  id: Generated<string>;
  table_name: string;
  row_id: string;
  action: 'insert' | 'update' | 'delete';
  actor: string;
  changed_at: Timestamp;
  before: unknown;
  after: unknown;
}

export interface IngestRejectionsTable {
  id: Generated<string>;
  received_at: ColumnType<Date, Date, never>;
  topic: string;
  meter_id: string | null;
  reason_code: string;
  reason: string;
  payload: Buffer;
  payload_bytes: number;
  recorded_at: Timestamp;
}

export interface DailyAccountsTable {
  intake_id: ColumnType<string, string | number, string | number>;
  day: DateString;
  volume_m3: NullableNumeric;
  status: 'measured' | 'zero' | 'partial' | 'missing';
  expected_reports: Numeric;
  received_reports: number;
  completeness: Numeric;
  coverage: Numeric;
  peak_flow_m3h: number | null;
  first_total_m3: number | null;
  last_total_m3: number | null;
  anomalies: ColumnType<unknown, string, string>;
  evidence: ColumnType<unknown, string, string>;
  computed_at: Timestamp;
}

export type LedgerStatus = 'raised' | 'confirmed' | 'dismissed' | 'rectifying' | 'rectified' | 'closed' | 'resolved';

export interface LedgerItemsTable {
  id: Generated<string>;
  kind: 'item' | 'notice';
  rule: string;
  intake_id: ColumnType<string | null, string | number | null, string | number | null>;
  county_code: string;
  subject: ColumnType<string, string | undefined, string>;
  status: ColumnType<LedgerStatus, LedgerStatus | undefined, LedgerStatus>;
  summary: string;
  evidence: ColumnType<unknown, string, string>;
  window_start: ColumnType<Date, Date | string, Date | string>;
  window_end: ColumnType<Date, Date | string, Date | string>;
  first_detected_at: Timestamp;
  last_detected_at: Timestamp;
  detections: ColumnType<number, number | undefined, number>;
  condition_cleared_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  previous_item_id: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  dismissal_reason: string | null;
  measures: string | null;
  responsible_unit: string | null;
  responsible_person: string | null;
  deadline: NullableDateString;
  rectification_evidence: string | null;
  /** The rule's identity of the condition (migration 0005); null when the finding had none. */
  fingerprint: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the daily escalation first recorded the item overdue (migration 0010). */
  overdue_marked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The level the overdue item was escalated to (migration 0010); null: not escalated. */
  escalated_level: ColumnType<'city' | 'province' | null, 'city' | 'province' | null | undefined, 'city' | 'province' | null>;
  escalated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface LedgerEventsTable {
  id: Generated<string>;
  item_id: ColumnType<string, string | number, string | number>;
  at: Timestamp;
  actor: string;
  action: string;
  from_status: string | null;
  to_status: string | null;
  note: string | null;
  data: ColumnType<unknown, string | null | undefined, string | null>;
}

export interface MonthlyReportsTable {
  /** YYYY-MM */
  month: string;
  division_code: string;
  level: 'province' | 'city' | 'county';
  /** domain/reports/monthly-report.ts MonthlyReportFigures */
  figures: ColumnType<unknown, string, string>;
  /** The same figures without confidential intakes (migration 0011); null for reports generated before it. */
  public_figures: ColumnType<unknown, string | null | undefined, string | null>;
  generated_at: Timestamp;
}

export interface LedgerDailyChangesTable {
  day: DateString;
  item_id: ColumnType<string, string | number, string | number>;
  change: 'overdue' | 'escalated_city' | 'escalated_province';
  county_code: string;
  at: ColumnType<Date, Date | string, Date | string>;
}

export interface LedgerAttachmentsTable {
  id: Generated<string>;
  item_id: ColumnType<string, string | number, string | number>;
  event_id: ColumnType<string, string | number, string | number>;
  filename: string;
  media_type: 'image/jpeg' | 'image/png' | 'application/pdf';
  size_bytes: number;
  sha256: Buffer;
  content: Buffer;
  uploaded_by: string;
  uploaded_at: Timestamp;
}

export interface SubmissionsTable {
  id: Generated<string>;
  kind: 'ledger' | 'registration' | 'monthly';
  period: string;
  division_code: string;
  level: 'county' | 'city';
  to_division_code: string;
  status: ColumnType<'submitted' | 'accepted' | 'returned', 'submitted' | undefined, 'accepted' | 'returned'>;
  snapshot: ColumnType<unknown, string, never>;
  submitted_by: string;
  submitted_at: ColumnType<Date, Date | string, never>;
  due_on: DateString;
  reviewed_by: string | null;
  reviewed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  review_note: string | null;
}

export interface MonthlyReportNarrativesTable {
  month: string;
  division_code: string;
  work_done: string;
  results: string;
  difficulties: string;
  suggestions: string;
  updated_by: string;
  updated_at: Timestamp;
}

export interface IntakePeriodTotalsView {
  intake_id: string;
  period_kind: 'month' | 'year';
  period_start: string;
  volume_m3: string | null;
  days_accounted: string;
  missing_days: string;
  partial_days: string;
  completeness: string | null;
}

export interface DivisionPeriodTotalsView {
  division_code: string;
  level: 'province' | 'city' | 'county';
  period_kind: 'month' | 'year';
  period_start: string;
  volume_m3: string | null;
  intakes: string;
  missing_days: string;
  partial_days: string;
}

export type Role = 'admin' | 'staff' | 'auditor';

export interface UsersTable {
  id: Generated<string>;
  username: string;
  display_name: string | null;
  division_code: string;
  role: Role;
  confidential: Generated<boolean>;
  password_hash: string;
  disabled: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuthSessionsTable {
  id: Generated<string>;
  user_id: string;
  access_hash: Buffer;
  access_expires_at: Date;
  refresh_hash: Buffer;
  refresh_expires_at: Date;
  created_at: Timestamp;
  address: string | null;
}

export interface ApiKeysTable {
  id: Generated<string>;
  name: string;
  prefix: string;
  key_hash: Buffer;
  division_code: string;
  scope: 'read' | 'write';
  created_by: string;
  created_at: Timestamp;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface AuthEventsTable {
  id: Generated<string>;
  at: Timestamp;
  kind: string;
  actor: string;
  username: string | null;
  address: string | null;
  detail: ColumnType<unknown, string | undefined, string>;
}

export interface Database {
  divisions: DivisionsTable;
  withdrawal_units: WithdrawalUnitsTable;
  intakes: IntakesTable;
  permits: PermitsTable;
  meters: MetersTable;
  meter_replacements: MeterReplacementsTable;
  registry_changes: RegistryChangesTable;
  ingest_rejections: IngestRejectionsTable;
  daily_accounts: DailyAccountsTable;
  ledger_items: LedgerItemsTable;
  ledger_events: LedgerEventsTable;
  monthly_reports: MonthlyReportsTable;
  monthly_report_narratives: MonthlyReportNarrativesTable;
  ledger_daily_changes: LedgerDailyChangesTable;
  ledger_attachments: LedgerAttachmentsTable;
  submissions: SubmissionsTable;
  intake_period_totals: IntakePeriodTotalsView;
  division_period_totals: DivisionPeriodTotalsView;
  users: UsersTable;
  auth_sessions: AuthSessionsTable;
  api_keys: ApiKeysTable;
  auth_events: AuthEventsTable;
}

export type DivisionRow = Selectable<DivisionsTable>;
export type UnitRow = Selectable<WithdrawalUnitsTable>;
export type IntakeRow = Selectable<IntakesTable>;
export type NewIntakeRow = Insertable<IntakesTable>;
export type IntakeUpdate = Updateable<IntakesTable>;
export type PermitRow = Selectable<PermitsTable>;
export type MeterRow = Selectable<MetersTable>;
