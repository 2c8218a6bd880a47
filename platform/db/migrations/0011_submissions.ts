/**
 * Level-by-level submissions (issue 18; the plan's 逐级上报审核): a county sends its rectification
 * ledger, its registration summary and its monthly progress report to its city, the city reviews
 * each and sends its own to the province. A submission is a frozen snapshot: never updated but by
 * its review. A returned one stays as it was; the division submits again (a new row).
 *
 * The monthly report gains the plan's narrative (work done, results, difficulties, suggestions),
 * kept apart from the generated figures, which a regeneration replaces; and figures without
 * confidential intakes, for readers without the clearance and for submissions (the plan sends
 * confidential intakes' results through the confidential channel, not the platform's reports).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table submissions (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('ledger', 'registration', 'monthly')),
  -- YYYY for the ledger and the registration summary, YYYY-MM for the monthly report.
  period text not null check (period ~ '^[0-9]{4}(-(0[1-9]|1[0-2]))?$'),
  division_code char(6) not null references divisions (code),
  level text not null check (level in ('county', 'city')),
  to_division_code char(6) not null references divisions (code),
  status text not null default 'submitted' check (status in ('submitted', 'accepted', 'returned')),
  snapshot jsonb not null,
  submitted_by text not null,
  submitted_at timestamptz not null,
  due_on date not null,
  reviewed_by text,
  reviewed_at timestamptz,
  review_note text,
  check ((status = 'submitted') = (reviewed_at is null)),
  check (status <> 'returned' or review_note is not null),
  check ((kind = 'monthly') = (period ~ '-'))
);
-- One live submission per division, kind and period: a returned one may be followed by another.
create unique index submissions_one_live_idx on submissions (kind, period, division_code) where status <> 'returned';
create index submissions_to_idx on submissions (to_division_code, kind, period);

create table monthly_report_narratives (
  month char(7) not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  division_code char(6) not null references divisions (code),
  work_done text not null default '',
  results text not null default '',
  difficulties text not null default '',
  suggestions text not null default '',
  updated_by text not null,
  updated_at timestamptz not null default now(),
  primary key (month, division_code)
);

alter table monthly_reports add column public_figures jsonb;
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table monthly_reports drop column public_figures;
drop table monthly_report_narratives, submissions;
`.execute(db);
}
