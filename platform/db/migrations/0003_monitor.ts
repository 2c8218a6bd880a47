/**
 * The monitor's tables: daily water-use accounts per intake, and the ledger of rectification
 * items and notices with the event history of each. Nothing here is ever deleted.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table daily_accounts (
  intake_id bigint not null references intakes (id),
  day date not null,
  volume_m3 numeric(16, 3),
  status text not null check (status in ('measured', 'zero', 'partial', 'missing')),
  expected_reports numeric(10, 2) not null check (expected_reports >= 0),
  received_reports integer not null check (received_reports >= 0),
  completeness numeric(6, 5) not null check (completeness between 0 and 1),
  coverage numeric(6, 5) not null check (coverage between 0 and 1),
  peak_flow_m3h double precision,
  first_total_m3 double precision,
  last_total_m3 double precision,
  anomalies jsonb not null default '[]',
  evidence jsonb not null default '[]',
  computed_at timestamptz not null default now(),
  primary key (intake_id, day),
  check ((status = 'missing') = (volume_m3 is null))
);
create index daily_accounts_day_idx on daily_accounts (day);

create table ledger_items (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('item', 'notice')),
  rule text not null check (length(rule) > 0),
  intake_id bigint references intakes (id),
  county_code char(6) not null references divisions (code),
  -- What inside the intake the finding is about (a meter id, a permit number), so that two meters
  -- of one intake keep separate items; '' when the intake as a whole.
  subject text not null default '',
  status text not null default 'raised'
    check (status in ('raised', 'confirmed', 'dismissed', 'rectifying', 'rectified', 'closed', 'resolved')),
  summary text not null,
  evidence jsonb not null,
  window_start timestamptz not null,
  window_end timestamptz not null,
  first_detected_at timestamptz not null default now(),
  last_detected_at timestamptz not null default now(),
  detections integer not null default 1 check (detections >= 1),
  -- Set while the rule, evaluated again, no longer finds the problem; cleared when it returns.
  condition_cleared_at timestamptz,
  previous_item_id bigint references ledger_items (id),
  dismissal_reason text,
  measures text,
  responsible_unit text,
  responsible_person text,
  deadline date,
  rectification_evidence text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (window_end >= window_start),
  check (status <> 'dismissed' or dismissal_reason is not null),
  check (status not in ('rectifying', 'rectified', 'closed') or kind = 'notice'
         or (measures is not null and responsible_unit is not null and responsible_person is not null and deadline is not null))
);
-- At most one open item per (intake, rule, subject): new evidence updates it (brief, section 4).
create unique index ledger_items_one_open_idx on ledger_items (coalesce(intake_id, 0), rule, subject)
  where status not in ('dismissed', 'closed', 'resolved');
create index ledger_items_county_idx on ledger_items (county_code, status);
create index ledger_items_intake_idx on ledger_items (intake_id, rule);

create table ledger_events (
  id bigint generated always as identity primary key,
  item_id bigint not null references ledger_items (id),
  at timestamptz not null default now(),
  actor text not null,
  action text not null check (action in ('raised', 'updated', 'cleared', 'recurred', 'confirmed', 'dismissed',
                                         'rectifying', 'rectified', 'closed', 'resolved', 'reopened')),
  from_status text,
  to_status text,
  note text,
  data jsonb
);
create index ledger_events_item_idx on ledger_events (item_id, id);
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table ledger_events, ledger_items, daily_accounts`.execute(db);
}
