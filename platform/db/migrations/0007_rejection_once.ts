/**
 * One row per rejected message. The drain replays a batch whose removal from the log it did not
 * get to (a crash, or a stop cut short), and kept its rejections again: the same message at the
 * same receipt is the same rejection. Copies already kept are removed (the first stays), and the
 * index makes ingest's insert skip them from now on. A meter sending the same bytes again is a
 * new receipt, and a row of its own.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
delete from ingest_rejections later using ingest_rejections first
 where later.id > first.id and later.received_at = first.received_at and later.topic = first.topic
   and md5(later.payload) = md5(first.payload);
create unique index ingest_rejections_once_idx on ingest_rejections (received_at, topic, md5(payload));
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index ingest_rejections_once_idx`.execute(db);
}
