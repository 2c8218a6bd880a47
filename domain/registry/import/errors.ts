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

export type UnreadableReason = 'empty' | 'not_utf8' | 'binary' | 'csv_syntax' | 'legacy_xls' | 'bad_xlsx' | 'no_worksheet' | 'no_header';

export class UnreadableFileError extends ImportFileError {
  readonly reason: UnreadableReason;
  constructor(reason: UnreadableReason, message: string) {
    super(message);
    this.name = 'UnreadableFileError';
    this.reason = reason;
  }
}

export type ImportLimit = 'fileBytes' | 'rows' | 'uncompressedBytes' | 'cells' | 'memory';

function limitMessage(limit: ImportLimit, max: number, actual: number): string {
  switch (limit) {
    case 'fileBytes':
      return `the file is ${actual} bytes; the import accepts at most ${max} bytes (split it into several files)`;
    case 'rows':
      return `the sheet has more than ${max} data rows (${actual} seen); split it into several files`;
    case 'uncompressedBytes':
      return `the XLSX file decompresses to more than ${max} bytes (${actual} seen before stopping); split it into several files`;
    case 'cells':
      return `the sheet has more than ${max} cells (${actual} seen before stopping); split it into several files`;
    case 'memory':
      return `reading the file needed more than the ${max} MiB of memory an import may use; split it into several files`;
  }
}

export class ImportLimitError extends ImportFileError {
  readonly limit: ImportLimit;
  readonly max: number;
  readonly actual: number;
  constructor(limit: ImportLimit, max: number, actual: number) {
    super(limitMessage(limit, max, actual));
    this.name = 'ImportLimitError';
    this.limit = limit;
    this.max = max;
    this.actual = actual;
  }
}
