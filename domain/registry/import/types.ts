/** The import's public shapes: what the service returns to the HTTP route and the CLI. */

export type SheetFormat = 'csv' | 'xlsx';

/** Guard limits; defaults in import-registry.ts (IMPORT_LIMITS). */
export interface ImportLimits {
  maxFileBytes: number;
  maxRows: number;
  /** XLSX: the archive's entries, decompressed, in bytes (a small file can inflate to gigabytes). */
  maxUncompressedBytes: number;
  /** Cells in the sheet (XLSX: every cell element of the worksheets; CSV: fields of data rows). */
  maxCells: number;
}

export interface ImportOptions {
  /** Recorded in registry_changes.actor for every row written. */
  actor: string;
  /** Validate and report only; write nothing. */
  dryRun?: boolean;
  /** Import even when suspected duplicates were found (they are still reported). */
  acceptSuspectedDuplicates?: boolean;
  /** Counties must lie in this province (config PROVINCE_CODE). */
  provinceCode: string;
  /** Counties must also lie in this division: the importing user's (default: the whole province). */
  scopeDivisionCode?: string;
  /** Same-unit intakes closer than this are suspected duplicates (config IMPORT_DUPLICATE_DISTANCE_M). */
  duplicateDistanceM: number;
  limits?: Partial<ImportLimits>;
}

/**
 * One problem. row: the 1-based spreadsheet row (header = 1, first data row = 2); column: the
 * header as written in the file, or the canonical Chinese header when the column is missing.
 * Both are null only for a problem of the whole file (e.g. a database error while writing).
 */
export interface ImportError {
  row: number | null;
  column: string | null;
  reason: string;
}

/** Two rows of one unit, or a row and a registered active intake of that unit, too close together. */
export type SuspectedDuplicate =
  | { row: number; otherRow: number; distanceM: number }
  | { row: number; existingIntakeId: string; existingIntakeCode: string; distanceM: number };

/** A row the campaign does not cover (brief, section 4, scope rules): reported, never imported. */
export interface OutOfScopeRow {
  row: number;
  code: string;
  reason: string;
}

export interface RecordCounts {
  units: number;
  intakes: number;
  permits: number;
}

export interface ImportResult {
  /** imported: written; validated: a clean dry run; rejected: nothing written. */
  status: 'imported' | 'rejected' | 'validated';
  format: SheetFormat;
  /** Data rows read (blank rows are not counted). */
  rows: number;
  errors: ImportError[];
  suspectedDuplicates: SuspectedDuplicate[];
  outOfScope: OutOfScopeRow[];
  /** What the file creates when imported (new units only; existing units are reused). */
  planned: RecordCounts;
  /** What was written: equal to planned when imported, zero otherwise. */
  created: RecordCounts;
  /** Existing units (matched by credit code, or by name and county) that new intakes attach to. */
  reusedUnits: number;
}
