/** The rectification ledger (docs/ledger.md): findings in, entries with their event history out. */
export { applyEvaluation } from './apply-evaluation.ts';
export { type LedgerErrorCode, LedgerTransitionError } from './errors.ts';
export type * from './finding.ts';
export * from './lifecycle.ts';
export * from './overdue.ts';
export { getItemWithEvents, type LedgerPage, listItems } from './queries.ts';
export * from './schemas.ts';
export { allowedActions, refusal, type TransitionRule, TRANSITIONS } from './transitions.ts';
export * from './item-key.ts';
