/**
 * The identity of a problem: (intake, rule, subject). The unique index ledger_items_one_open_idx
 * keys on (coalesce(intake_id, 0), rule, subject), so the queries here match the same expression
 * (which also lets PostgreSQL use that index).
 */
import { type ExpressionBuilder, type Expression, type SqlBool, sql } from 'kysely';
import { sqlLiterals } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import { TERMINAL_STATUSES } from './schemas.ts';

export interface ItemKey {
  intakeId: string | null;
  rule: string;
  /** Undefined: any subject (used by clears of a whole rule). */
  subject?: string;
}

type ItemsExpression = ExpressionBuilder<Database, 'ledger_items'>;

/** Rows of the problem `key`, whatever their status. */
export function matchesKey(key: ItemKey) {
  return (eb: ItemsExpression): Expression<SqlBool> => {
    const parts: Expression<SqlBool>[] = [
      sql<SqlBool>`coalesce(intake_id, 0) = coalesce(${key.intakeId}::bigint, 0)`,
      eb('rule', '=', key.rule),
    ];
    if (key.subject !== undefined) parts.push(eb('subject', '=', key.subject));
    return eb.and(parts);
  };
}

/** The terminal statuses as a list of literals, for `status [not] in (...)` in raw SQL. */
export const TERMINAL_LIST = sqlLiterals(TERMINAL_STATUSES);

/** The predicate of ledger_items_one_open_idx, as literals: ON CONFLICT can only infer a partial index from constants. */
export const OPEN_PREDICATE = sql<SqlBool>`status not in (${TERMINAL_LIST})`;

/** Open entries of the problem `key`. */
export function isOpenWithKey(key: ItemKey) {
  return (eb: ItemsExpression): Expression<SqlBool> => eb.and([matchesKey(key)(eb), OPEN_PREDICATE]);
}

/** A total order on keys: taking row locks in one order keeps two concurrent evaluations from deadlocking. */
export function compareKeys(a: ItemKey, b: ItemKey): number {
  return compareText(a.intakeId ?? '', b.intakeId ?? '') || compareText(a.rule, b.rule) || compareText(a.subject ?? '', b.subject ?? '');
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

export function keyLabel(key: ItemKey): string {
  return `intake ${key.intakeId ?? '(unregistered)'}, rule ${key.rule}${key.subject ? `, subject ${key.subject}` : ''}`;
}
