/**
 * Which lifecycle action may move which entry (docs/ledger.md has the diagram). Brief, section 4:
 * raised -> confirmed or dismissed (with reason) -> rectifying -> rectified -> closed after
 * verification. Notices are never rectified: the monitor resolves them, or a person dismisses them.
 */
import type { LedgerAction, LedgerEventAction, LedgerKind, LedgerStatus } from './schemas.ts';

export interface TransitionRule {
  from: readonly LedgerStatus[];
  to: LedgerStatus;
  kinds: readonly LedgerKind[];
  /** The ledger_events.action written. */
  event: LedgerEventAction;
}

export const TRANSITIONS = {
  confirm: { from: ['raised'], to: 'confirmed', kinds: ['item'], event: 'confirmed' },
  // A confirmed item may still turn out to be a false alarm (e.g. a meter fault found on site).
  dismiss: { from: ['raised', 'confirmed'], to: 'dismissed', kinds: ['item', 'notice'], event: 'dismissed' },
  startRectifying: { from: ['confirmed'], to: 'rectifying', kinds: ['item'], event: 'rectifying' },
  markRectified: { from: ['rectifying'], to: 'rectified', kinds: ['item'], event: 'rectified' },
  close: { from: ['rectified'], to: 'closed', kinds: ['item'], event: 'closed' },
  // Verification failed (rectified) or the problem is back after closing (closed): the same item,
  // with its history, goes back to rectification instead of a new item.
  reopen: { from: ['rectified', 'closed'], to: 'rectifying', kinds: ['item'], event: 'reopened' },
} as const satisfies Record<LedgerAction, TransitionRule>;

/** Why `action` is not allowed on the entry, or null when it is. */
export function refusal(action: LedgerAction, entry: { kind: LedgerKind; status: LedgerStatus }): string | null {
  const rule: TransitionRule = TRANSITIONS[action];
  if (!rule.kinds.includes(entry.kind)) {
    return `${action} does not apply to a ${entry.kind}${entry.kind === 'notice' ? ' (notices are only resolved by the monitor or dismissed)' : ''}`;
  }
  if (!rule.from.includes(entry.status)) {
    return `${action} is allowed from ${rule.from.join(' or ')}, but the ${entry.kind} is ${entry.status}`;
  }
  return null;
}

/** The actions a person may take on the entry now (for the API and the UI). */
export function allowedActions(entry: { kind: LedgerKind; status: LedgerStatus }): LedgerAction[] {
  return (Object.keys(TRANSITIONS) as LedgerAction[]).filter((action) => refusal(action, entry) === null);
}
