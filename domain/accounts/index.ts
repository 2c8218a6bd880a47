/** Water-use accounting core: pure functions from readings to daily accounts (docs/accounting.md). */
export { computeDailyAccounts, AccountingInputError } from './daily-accounts.ts';
export {
  type AccountingOptions,
  AccountingOptionsError,
  DEFAULT_ACCOUNTING_OPTIONS,
  type FaultFlag,
  resolveAccountingOptions,
} from './options.ts';
export {
  type AccountingSpan,
  accountingSpan,
  AccountingSpanError,
  type DayNeighbours,
  MAX_SPAN_DAYS,
  readingWindow,
  type ReadingWindow,
  recomputeSpan,
} from './span.ts';
export type * from './types.ts';
export * from './account-service.ts';
export * from './account-store.ts';
export * from './readings-source.ts';
export * from './read-model.ts';
export * from './meter-series.ts';
