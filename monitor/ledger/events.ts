/** Writing one ledger event: every change to an entry goes through here, inside its transaction. */
import { sql } from 'kysely';
import type { DbTransaction } from '../../common/db/database.ts';
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
