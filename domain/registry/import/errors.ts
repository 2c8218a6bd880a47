/**
 * Errors that stop an import before any row is looked at: the file cannot be read as a sheet, or it
 * is over a guard limit. Row-level problems are never thrown; they are collected in the result.
 * The HTTP route maps ImportFileError to a 4xx answer (UnreadableFileError 422, ImportLimitError 413).
 */

export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

export type UnreadableReason =
  | 'empty'
  | 'not_utf8'
  | 'binary'
  | 'csv_syntax'
  | 'legacy_xls'
  | 'bad_xlsx'
  | 'no_worksheet'
  | 'no_header';

export class UnreadableFileError extends ImportFileError {
  readonly reason: UnreadableReason;
  constructor(reason: UnreadableReason, message: string) {
    super(message);
    this.name = 'UnreadableFileError';
    this.reason = reason;
  }
}

export type ImportLimit = 'fileBytes' | 'rows';

export class ImportLimitError extends ImportFileError {
  readonly limit: ImportLimit;
  readonly max: number;
  readonly actual: number;
  constructor(limit: ImportLimit, max: number, actual: number) {
    super(
      limit === 'fileBytes'
        ? `the file is ${actual} bytes; the import accepts at most ${max} bytes (split it into several files)`
        : `the sheet has more than ${max} data rows (${actual} seen); split it into several files`,
    );
    this.name = 'ImportLimitError';
    this.limit = limit;
    this.max = max;
    this.actual = actual;
  }
}
