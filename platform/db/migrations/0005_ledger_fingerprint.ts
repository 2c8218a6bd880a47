/**
 * The fingerprint of an open ledger entry: the rule's stable identity of the condition it found
 * (e.g. a silent meter and the last reading it has been silent since). A finding whose fingerprint
 * equals its open item's refreshes the item without an event (docs/ledger.md, "Findings"). Null
 * for entries raised by findings without one, and for every entry raised before this migration.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table ledger_items add column fingerprint text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table ledger_items drop column fingerprint`.execute(db);
}
