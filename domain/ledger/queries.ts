/** Reading the ledger: filtered pages of entries, and one entry with its whole history. */
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { localToday, OVERDUE_LIST } from './overdue.ts';
import { eventFromRow, itemFromRow } from './records.ts';
import { type LedgerItem, type LedgerItemWithEvents, ledgerId, type LedgerListFilter, ledgerListFilter } from './schemas.ts';

export interface LedgerPage {
  items: LedgerItem[];
  /** Entries matching the filter, over all pages. */
  total: number;
  limit: number;
  offset: number;
}

/**
 * Entries matching `filter`, newest first. `now` fixes "today" (Asia/Shanghai) for `overdue`.
 * The filter is validated (zod); a bad one throws a ZodError.
 */
export async function listItems(db: Db, filter: LedgerListFilter, now: Date = new Date()): Promise<LedgerPage> {
  const f = ledgerListFilter.parse(filter);
  const today = localToday(now);
  const overdue = sql<boolean>`(deadline < ${today}::date and status in (${OVERDUE_LIST}))`;
  let matching = db.selectFrom('ledger_items');
  if (f.countyPrefix !== undefined) matching = matching.where('county_code', 'like', `${f.countyPrefix}%`);
  if (f.status !== undefined) matching = matching.where('status', '=', f.status);
  if (f.kind !== undefined) matching = matching.where('kind', '=', f.kind);
  if (f.rule !== undefined) matching = matching.where('rule', '=', f.rule);
  if (f.intakeId !== undefined) matching = matching.where('intake_id', '=', f.intakeId);
  // `is true` / `is not true`: an entry without a deadline is simply not overdue.
  if (f.overdue !== undefined)
    matching = matching.where(f.overdue ? sql<boolean>`${overdue} is true` : sql<boolean>`${overdue} is not true`);
  const [rows, count] = await Promise.all([
    matching.selectAll().orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute(),
    matching.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((row) => itemFromRow(row, today)), total: Number(count.total), limit: f.limit, offset: f.offset };
}

/** The entry with its events in the order they happened, or undefined when there is none. */
export async function getItemWithEvents(db: Db, id: string, now: Date = new Date()): Promise<LedgerItemWithEvents | undefined> {
  if (!ledgerId.safeParse(id).success) return undefined;
  const row = await db.selectFrom('ledger_items').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const events = await db.selectFrom('ledger_events').selectAll().where('item_id', '=', id).orderBy('id').execute();
  return { item: itemFromRow(row, localToday(now)), events: events.map(eventFromRow) };
}
