/**
 * The monthly progress report (issue 4, brief section 2): per division and month, the figures of
 * domain/reports/monthly-report.ts, written by the monitor's job on the 1st. A report generated
 * again for the same month replaces the earlier one (generated_at says when); the figures name
 * the days and tables they were read from.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table monthly_reports (
  month char(7) not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  division_code char(6) not null references divisions (code),
  level text not null check (level in ('province', 'city', 'county')),
  figures jsonb not null,
  generated_at timestamptz not null default now(),
  primary key (month, division_code)
);
create index monthly_reports_division_idx on monthly_reports (division_code, month);
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table monthly_reports`.execute(db);
}
