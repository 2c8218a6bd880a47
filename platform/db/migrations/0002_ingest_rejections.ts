/**
 * Messages ingest refused, kept for staff to see: raw bytes (up to a cap), topic, reason, time.
 * Retention is bounded by ingest (age and row count), so a flood cannot fill the database.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table ingest_rejections (
  id bigint generated always as identity primary key,
  received_at timestamptz not null,
  topic text not null,
  meter_id text,
  reason_code text not null,
  reason text not null,
  payload bytea not null,
  payload_bytes integer not null check (payload_bytes >= 0),
  recorded_at timestamptz not null default now()
);
create index ingest_rejections_received_idx on ingest_rejections (received_at);
create index ingest_rejections_meter_idx on ingest_rejections (meter_id, received_at) where meter_id is not null;
create index ingest_rejections_reason_idx on ingest_rejections (reason_code, received_at);
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table ingest_rejections`.execute(db);
}
