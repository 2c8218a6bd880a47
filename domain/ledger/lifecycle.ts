/**
 * A person moving an entry through its lifecycle (transitions.ts has the table; docs/ledger.md the
 * diagram). Each transition locks the row, checks the table, updates the entry and writes its event
 * in one transaction, so two people acting at once are serialised and the second sees the first.
 */
import { sql, type Updateable } from 'kysely';
import type { z } from 'zod';
import type { Db, DbTransaction } from '../../platform/db/database.ts';
import type { LedgerItemsTable } from '../../platform/db/schema.ts';
import { LedgerTransitionError } from './errors.ts';
import { recordEvent } from './events.ts';
import { isOpenWithKey } from './item-key.ts';
import { localToday } from './overdue.ts';
import { eventFromRow, itemFromRow, type LedgerItemRow } from './records.ts';
import {
  type LedgerAction,
  type LedgerEvent,
  type LedgerItem,
  ledgerAction,
  ledgerId,
  type TransitionPayload,
  transitionPayloads,
} from './schemas.ts';
import { refusal, TRANSITIONS } from './transitions.ts';

export interface TransitionResult {
  item: LedgerItem;
  event: LedgerEvent;
}

/** Hooks that run inside the transition's transaction, so what they check or write commits with it. */
export interface TransitionHooks {
  /** Runs on the locked row before the table's check; throws to refuse (nothing is changed then). */
  guard?: (trx: DbTransaction, row: LedgerItemRow) => Promise<void>;
  /** Runs after the event is written (e.g. to attach files to it). */
  after?: (trx: DbTransaction, result: TransitionResult) => Promise<void>;
}

/**
 * Applies `action` to entry `itemId` on behalf of `actor`. Throws LedgerTransitionError with code
 * not_found, invalid_transition or invalid_payload; the entry is unchanged then.
 */
export async function transitionItem<A extends LedgerAction>(
  db: Db,
  itemId: string,
  action: A,
  actor: string,
  payload: TransitionPayload<A>,
  hooks: TransitionHooks = {},
): Promise<TransitionResult> {
  if (!ledgerAction.safeParse(action).success) throw new LedgerTransitionError('invalid_transition', `unknown action '${action}'`);
  if (actor.trim() === '') throw new LedgerTransitionError('invalid_payload', 'actor: must not be empty');
  const change = changeFor(action, payload);
  if (!ledgerId.safeParse(itemId).success) throw new LedgerTransitionError('not_found', `ledger entry '${itemId}' not found`);
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('ledger_items').selectAll().where('id', '=', itemId).forUpdate().executeTakeFirst();
      if (!row) throw new LedgerTransitionError('not_found', `ledger entry ${itemId} not found`);
      await hooks.guard?.(trx, row);
      const refused = refusal(action, row);
      if (refused !== null) throw new LedgerTransitionError('invalid_transition', `cannot ${action} entry ${itemId}: ${refused}`);
      if (action === 'reopen') await refuseIfSuperseded(trx, row);
      const to = TRANSITIONS[action].to;
      const updated = await trx
        .updateTable('ledger_items')
        .set({ ...change.columns, status: to, updated_at: sql<Date>`now()` })
        .where('id', '=', itemId)
        .returningAll()
        .executeTakeFirstOrThrow();
      const event = await recordEvent(trx, {
        itemId,
        action: TRANSITIONS[action].event,
        actor,
        at: updated.updated_at,
        fromStatus: row.status,
        toStatus: to,
        note: change.note,
        data: change.data,
      });
      const result = { item: itemFromRow(updated, localToday(updated.updated_at)), event: eventFromRow(event) };
      await hooks.after?.(trx, result);
      return result;
    });
  } catch (err) {
    // A recurrence raised between our check and our update (see refuseIfSuperseded).
    if (isUniqueViolation(err)) {
      throw new LedgerTransitionError(
        'invalid_transition',
        `cannot reopen entry ${itemId}: a newer open entry exists for the same problem`,
        { cause: err },
      );
    }
    throw err;
  }
}

interface Change {
  columns: Updateable<LedgerItemsTable>;
  note: string | null;
  data: unknown;
}

/** Validates the payload of `action` and turns it into column values, the event note and data. */
function changeFor(action: LedgerAction, payload: unknown): Change {
  switch (action) {
    case 'confirm':
    case 'close': {
      const p = parsePayload(action, payload);
      return { columns: {}, note: p.note ?? null, data: null };
    }
    case 'reopen': {
      const p = parsePayload(action, payload);
      return { columns: {}, note: p.note, data: null };
    }
    case 'dismiss': {
      const p = parsePayload(action, payload);
      return { columns: { dismissal_reason: p.reason }, note: p.note ?? p.reason, data: { reason: p.reason } };
    }
    case 'startRectifying': {
      const { note, ...plan } = parsePayload(action, payload);
      return {
        columns: {
          measures: plan.measures,
          responsible_unit: plan.responsibleUnit,
          responsible_person: plan.responsiblePerson,
          deadline: plan.deadline,
        },
        note: note ?? null,
        data: plan,
      };
    }
    case 'markRectified': {
      const p = parsePayload(action, payload);
      return { columns: { rectification_evidence: p.evidence }, note: p.note ?? null, data: { evidence: p.evidence } };
    }
  }
}

function parsePayload<A extends LedgerAction>(action: A, payload: unknown): z.output<(typeof transitionPayloads)[A]> {
  const parsed = transitionPayloads[action].safeParse(payload);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
    throw new LedgerTransitionError('invalid_payload', `${action}: ${problems}`, { cause: parsed.error });
  }
  return parsed.data as z.output<(typeof transitionPayloads)[A]>;
}

/**
 * A closed item may only come back while no newer entry is open for the same problem: the monitor
 * may already have raised the recurrence (previous_item_id -> this item), and that one carries on.
 */
async function refuseIfSuperseded(trx: DbTransaction, row: LedgerItemRow): Promise<void> {
  const newer = await trx
    .selectFrom('ledger_items')
    .select('id')
    .where(isOpenWithKey({ intakeId: row.intake_id, rule: row.rule, subject: row.subject }))
    .where('id', '<>', row.id)
    .executeTakeFirst();
  if (newer) {
    throw new LedgerTransitionError(
      'invalid_transition',
      `cannot reopen entry ${row.id}: entry ${newer.id} is open for the same problem; continue there`,
    );
  }
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === '23505';
}
