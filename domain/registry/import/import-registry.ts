/**
 * The registry import service: a registration-form file (CSV or XLSX) in, a report out, and, when
 * the whole file is clean, its units, intakes and permits written in one transaction. The HTTP
 * route (POST /v1/registry/imports) and the CLI (scripts/import-registry.ts) both call
 * importRegistry. Rules and result shape: docs/registry-import.md.
 */
import type { Db } from '../../../platform/db/database.ts';
import { applyImportPlan, type ImportPlan, type PlannedIntake } from './apply.ts';
import { resolveHeaders } from './columns.ts';
import { findRepeatedIdentifiers, findSuspectedDuplicates } from './duplicates.ts';
import { ImportLimitError } from './errors.ts';
import { parseSheetOffThread } from './parse-off-thread.ts';
import { checkAgainstRegistry } from './registry-checks.ts';
import type { ImportError, ImportLimits, ImportOptions, ImportResult, RecordCounts } from './types.ts';
import { groupUnits } from './unit-matching.ts';
import { checkRows } from './validate.ts';

/**
 * maxUncompressedBytes and maxCells keep an XLSX within what the reading worker's heap
 * (PARSE_HEAP_MB) holds: exceljs keeps about 330 bytes per cell, so 600,000 cells (25,000 rows of
 * the 24 columns) need about 200 MB, and a sheet of that size decompresses to about 30 MB.
 */
export const IMPORT_LIMITS: ImportLimits = {
  maxFileBytes: 20 * 1024 * 1024,
  maxRows: 50_000,
  maxUncompressedBytes: 64 * 1024 * 1024,
  maxCells: 600_000,
};

const NONE: RecordCounts = { units: 0, intakes: 0, permits: 0 };

/** Errors listed in a report, at most; a file wrong on every cell would otherwise answer with megabytes. */
export const MAX_REPORTED_ERRORS = 1000;

function capErrors(errors: ImportError[]): ImportError[] {
  if (errors.length <= MAX_REPORTED_ERRORS) return errors;
  const more = errors.length - MAX_REPORTED_ERRORS;
  return [
    ...errors.slice(0, MAX_REPORTED_ERRORS),
    {
      row: null,
      column: null,
      reason: `${more} more error${more === 1 ? '' : 's'} not listed (a report lists the first ${MAX_REPORTED_ERRORS})`,
    },
  ];
}

/** The report of the checks, and the plan to write when they passed. */
export interface PreparedImport {
  result: ImportResult;
  /** null when the file is rejected. */
  plan: ImportPlan | null;
}

/**
 * Imports a registration-form file: all rows or none.
 * Throws ImportFileError (UnreadableFileError, ImportLimitError) when the file cannot be read as a
 * sheet or is over a limit; every other problem is reported in the result with status 'rejected'.
 */
export async function importRegistry(db: Db, file: Uint8Array, options: ImportOptions): Promise<ImportResult> {
  const { result, plan } = await prepareRegistryImport(db, file, options);
  if (plan === null || options.dryRun) return result;
  const outcome = await applyImportPlan(db, plan, options.actor);
  return outcome.ok
    ? { ...result, status: 'imported', created: outcome.created }
    : { ...result, status: 'rejected', errors: outcome.errors };
}

/** Reads and checks the file against the registry without writing (what a dry run reports). */
export async function prepareRegistryImport(db: Db, file: Uint8Array, options: ImportOptions): Promise<PreparedImport> {
  const limits = { ...IMPORT_LIMITS, ...options.limits };
  if (file.byteLength > limits.maxFileBytes) {
    throw new ImportLimitError('fileBytes', limits.maxFileBytes, file.byteLength);
  }
  const sheet = await parseSheetOffThread(file, limits);
  const base: ImportResult = {
    status: 'rejected',
    format: sheet.format,
    rows: sheet.rows.length,
    errors: [],
    suspectedDuplicates: [],
    outOfScope: [],
    planned: NONE,
    created: NONE,
    reusedUnits: 0,
  };

  // A wrong header row makes every row's report noise: report the headers alone.
  const { layout, errors: headerErrors } = resolveHeaders(sheet.headers);
  if (headerErrors.length > 0) return { result: { ...base, errors: capErrors(headerErrors) }, plan: null };
  if (sheet.rows.length === 0) {
    const noRows: ImportError = { row: null, column: null, reason: 'the file has a header row but no data rows' };
    return { result: { ...base, errors: [noRows] }, plan: null };
  }

  const checked = checkRows(sheet, layout);
  const units = groupUnits(checked.rows, layout);
  const registry = await checkAgainstRegistry(db, checked.rows, units.groups, layout, options.provinceCode, options.scopeDivisionCode);
  const errors = sortByRow([...checked.errors, ...units.errors, ...findRepeatedIdentifiers(checked.rows, layout), ...registry.errors]);
  const suspectedDuplicates = findSuspectedDuplicates(checked.rows, registry.registeredIntakes, options.duplicateDistanceM);
  const report: ImportResult = { ...base, errors: capErrors(errors), suspectedDuplicates, outOfScope: checked.outOfScope };

  const blockedByDuplicates = suspectedDuplicates.length > 0 && options.acceptSuspectedDuplicates !== true;
  if (errors.length > 0 || blockedByDuplicates) return { result: report, plan: null };

  const intakes: PlannedIntake[] = checked.rows.flatMap(({ row, unitKey, intake, permit }) =>
    intake !== null && unitKey !== null ? [{ row, unitKey, intake, permit }] : [],
  );
  const newUnits = [...units.groups.values()]
    .filter((g) => !registry.registeredUnitIds.has(g.key))
    .map((g) => ({ key: g.key, unit: g.unit }));
  const plan: ImportPlan = { newUnits, registeredUnitIds: registry.registeredUnitIds, intakes, layout };
  const planned: RecordCounts = {
    units: newUnits.length,
    intakes: intakes.length,
    permits: intakes.filter((i) => i.permit !== null).length,
  };
  return {
    result: { ...report, status: 'validated', planned, reusedUnits: registry.registeredUnitIds.size },
    plan,
  };
}

/** Row order, file-level problems first; a row's problems keep the order they were found in. */
function sortByRow(errors: ImportError[]): ImportError[] {
  return errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
}
