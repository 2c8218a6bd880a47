/**
 * Indexes for the API's hot reads (bench:api, issue 18):
 *
 * - a county user's item list, filtered by status and ordered by id: (county_code, status, id)
 *   walks one county's status backwards and stops after a page, where the primary key scan
 *   read some 20,000 rows of other counties per page at 200,000 items. It covers what
 *   ledger_items_county_idx (county_code, status) did, which is dropped.
 * - the "not confidential" test every scoped query makes on intakes: a partial index of the few
 *   confidential intakes makes it a lookup rather than a scan of all intakes.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create index ledger_items_county_status_id_idx on ledger_items (county_code, status, id);
drop index ledger_items_county_idx;
create index intakes_confidential_idx on intakes (id) where confidential;
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
drop index intakes_confidential_idx;
create index ledger_items_county_idx on ledger_items (county_code, status);
drop index ledger_items_county_status_id_idx;
`.execute(db);
}
