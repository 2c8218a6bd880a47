/** Writing ledger events: every change to an entry goes through here, inside its transaction. */
import { sql } from 'kysely';
import type { DbTransaction } from '../../platform/db/database.ts';
import type { LedgerEventRow } from './records.ts';
import type { LedgerEventAction, LedgerStatus } from './schemas.ts';

export interface NewLedgerEvent {
  itemId: string;
  action: LedgerEventAction;
  actor: string;
  /** Null: the transaction's start time (now()), the same instant as the entry's updated_at. */
  at: Date | null;
  fromStatus: LedgerStatus | null;
  toStatus: LedgerStatus | null;
  note?: string | null;
  data?: unknown;
}

export async function recordEvent(trx: DbTransaction, e: NewLedgerEvent): Promise<LedgerEventRow> {
  return trx
    .insertInto('ledger_events')
    .values({
      item_id: e.itemId,
      at: e.at ?? sql<Date>`now()`,
      actor: e.actor,
      action: e.action,
      from_status: e.fromStatus,
      to_status: e.toStatus,
      note: e.note ?? null,
      data: e.data === undefined ? null : JSON.stringify(e.data),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Writes `events` in the given order with one statement (the evaluation's bulk path). */
export async function recordEvents(trx: DbTransaction, events: readonly NewLedgerEvent[]): Promise<void> {
  if (events.length === 0) return;
  await sql`
    insert into ledger_events (item_id, at, actor, action, from_status, to_status, note, data)
    select v.item_id, coalesce(v.at, now()), v.actor, v.action, v.from_status, v.to_status, v.note, v.data::jsonb
    from unnest(${events.map((e) => e.itemId)}::bigint[], ${events.map((e) => e.at?.toISOString() ?? null)}::timestamptz[],
                ${events.map((e) => e.actor)}::text[], ${events.map((e) => e.action)}::text[],
                ${events.map((e) => e.fromStatus)}::text[], ${events.map((e) => e.toStatus)}::text[],
                ${events.map((e) => e.note ?? null)}::text[], ${events.map((e) => (e.data === undefined ? null : JSON.stringify(e.data)))}::text[])
      with ordinality as v(item_id, at, actor, action, from_status, to_status, note, data, ord)
    order by v.ord`.execute(trx);
}
