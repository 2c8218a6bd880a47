/**
 * The ledger worked by people level by level (issue 18): escalation of overdue items (county to
 * city to province) with a daily record of what changed, and files attached to ledger events.
 *
 * Attachments are kept in PostgreSQL (bytea), not in a files directory: a file commits or rolls
 * back with its event in one transaction (nothing half-done), it is backed up and access-checked
 * with the ledger, and several API processes need no shared disk. At 20 MB a file, bytea is well
 * inside PostgreSQL's 1 GB limit; storage external skips compressing photos and PDFs that are
 * compressed already.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table ledger_items
  add column overdue_marked_at timestamptz,
  add column escalated_level text check (escalated_level in ('city', 'province')),
  add column escalated_at timestamptz;
create index ledger_items_escalated_idx on ledger_items (escalated_level, county_code) where escalated_level is not null;
-- The daily job looks only at items that owe a deadline.
create index ledger_items_deadline_idx on ledger_items (deadline) where kind = 'item' and status in ('confirmed', 'rectifying');

alter table ledger_events drop constraint ledger_events_action_check;
alter table ledger_events add constraint ledger_events_action_check
  check (action in ('raised', 'updated', 'cleared', 'recurred', 'confirmed', 'dismissed', 'rectifying', 'rectified',
                    'closed', 'resolved', 'reopened', 'overdue', 'escalated'));

-- What the daily escalation changed, one row per item and change: the day's summary is a count
-- of these, and each one names its item (so a summary is scoped like the items themselves).
create table ledger_daily_changes (
  day date not null,
  item_id bigint not null references ledger_items (id),
  change text not null check (change in ('overdue', 'escalated_city', 'escalated_province')),
  county_code char(6) not null,
  at timestamptz not null,
  primary key (item_id, change)
);
create index ledger_daily_changes_day_idx on ledger_daily_changes (day, county_code);

create table ledger_attachments (
  id bigint generated always as identity primary key,
  item_id bigint not null references ledger_items (id),
  event_id bigint not null references ledger_events (id),
  filename text not null check (length(filename) between 1 and 255),
  media_type text not null check (media_type in ('image/jpeg', 'image/png', 'application/pdf')),
  size_bytes integer not null check (size_bytes between 1 and 20971520),
  sha256 bytea not null,
  content bytea not null,
  uploaded_by text not null,
  uploaded_at timestamptz not null default now()
);
alter table ledger_attachments alter column content set storage external;
create index ledger_attachments_item_idx on ledger_attachments (item_id, event_id);
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
drop table ledger_attachments, ledger_daily_changes;
alter table ledger_events drop constraint ledger_events_action_check;
alter table ledger_events add constraint ledger_events_action_check
  check (action in ('raised', 'updated', 'cleared', 'recurred', 'confirmed', 'dismissed', 'rectifying', 'rectified',
                    'closed', 'resolved', 'reopened'));
alter table ledger_items drop column overdue_marked_at, drop column escalated_level, drop column escalated_at;
`.execute(db);
}
