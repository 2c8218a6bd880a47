/** The rectification ledger (docs/ledger.md): findings in, entries with their event history out. */
export { applyEvaluation } from './apply-evaluation.ts';
export { type LedgerErrorCode, LedgerTransitionError } from './errors.ts';
export type { ClearKey, EvaluationCounts, EvaluationInput, Finding } from './finding.ts';
export { transitionItem, type TransitionResult } from './lifecycle.ts';
export { isOverdue, localToday, OVERDUE_STATUSES } from './overdue.ts';
export { getItemWithEvents, type LedgerPage, listItems } from './queries.ts';
export * from './schemas.ts';
export { allowedActions, refusal, type TransitionRule, TRANSITIONS } from './transitions.ts';
