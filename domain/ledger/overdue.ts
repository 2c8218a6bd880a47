/**
 * Overdue (brief, section 4: "overdue when the deadline passes"): the deadline is a local date, so
 * an item is overdue from the local midnight after it, while someone still owes the rectification.
 */
import { sqlLiterals } from '../../platform/db/database.ts';
import { localDay } from '../../platform/local-time.ts';
import type { LedgerStatus } from './schemas.ts';

/** Statuses in which a deadline is still owed; rectified waits on the verifier, not the unit. */
export const OVERDUE_STATUSES = ['confirmed', 'rectifying'] as const satisfies readonly LedgerStatus[];

/** OVERDUE_STATUSES as an SQL list, for `status in (...)`. */
export const OVERDUE_LIST = sqlLiterals(OVERDUE_STATUSES);

/** Today's date in Asia/Shanghai (YYYY-MM-DD). */
export function localToday(now: Date): string {
  return localDay(now.getTime());
}

export function isOverdue(item: { status: LedgerStatus; deadline: string | null }, today: string): boolean {
  return item.deadline !== null && item.deadline < today && (OVERDUE_STATUSES as readonly LedgerStatus[]).includes(item.status);
}
