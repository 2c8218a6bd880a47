/** The rectification ledger (docs/ledger.md): findings in, entries with their event history out. */
export { applyEvaluation } from './apply-evaluation.ts';
export { LEDGER_ERROR_STATUS, type LedgerErrorCode, LedgerTransitionError } from './errors.ts';
export type * from './finding.ts';
export * from './lifecycle.ts';
export * from './overdue.ts';
export { getItemWithEvents, type LedgerPage, listItems } from './queries.ts';
export * from './schemas.ts';
export { allowedActions, refusal, type TransitionRule, TRANSITIONS } from './transitions.ts';
export * from './item-key.ts';
export * from './workflow-options.ts';
export { levelOf, scopePrefix, type DivisionLevel } from './scope.ts';
export * from './scoped-queries.ts';
export * from './duties.ts';
export {
  ATTACHMENT_TYPES,
  type AttachmentDownload,
  attachmentDownload,
  type AttachmentInput,
  type AttachmentType,
  getAttachment,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS_PER_EVENT,
  sniffType,
} from './attachments.ts';
export * from './escalation.ts';
export * from './item-readings.ts';
