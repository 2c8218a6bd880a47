/**
 * Imports a registration-form file (CSV or XLSX) into the registry: all rows or none.
 *   node scripts/import-registry.ts FILE [--dry-run] [--accept-suspected-duplicates] [--actor NAME]
 * Exit status: 0 imported (or a clean dry run), 1 rejected or unreadable, 2 usage error.
 * Rules: docs/registry-import.md.
 */
import { readFile, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../platform/config.ts';
import { createDb } from '../platform/db/database.ts';
import { ImportFileError, ImportLimitError } from '../domain/registry/index.ts';
import { IMPORT_LIMITS, importRegistry } from '../domain/registry/index.ts';
import type { ImportResult } from '../domain/registry/index.ts';

const USAGE = 'usage: node scripts/import-registry.ts FILE [--dry-run] [--accept-suspected-duplicates] [--actor NAME]';

function parseCommandLine(): { file: string; dryRun: boolean; acceptSuspectedDuplicates: boolean; actor: string } {
  try {
    const { values, positionals } = parseArgs({
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean', default: false },
        'accept-suspected-duplicates': { type: 'boolean', default: false },
        actor: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    const [file, ...extra] = positionals;
    if (file === undefined || extra.length > 0) throw new Error('expected exactly one FILE');
    return {
      file,
      dryRun: values['dry-run'],
      acceptSuspectedDuplicates: values['accept-suspected-duplicates'],
      actor: values.actor ?? `cli:${userInfo().username}`,
    };
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exit(2);
  }
}

function printReport(result: ImportResult, acceptSuspectedDuplicates: boolean): void {
  const { planned, created } = result;
  console.log(`format ${result.format}, ${result.rows} data rows: ${result.status}`);
  for (const e of result.errors) {
    console.log(e.row === null ? `  ${e.reason}` : `  row ${e.row}, column ${e.column ?? '-'}: ${e.reason}`);
  }
  if (result.suspectedDuplicates.length > 0) {
    console.log(`suspected duplicates (same unit within the duplicate distance): ${result.suspectedDuplicates.length}`);
    for (const d of result.suspectedDuplicates) {
      const other = 'otherRow' in d ? `row ${d.otherRow}` : `registered intake ${d.existingIntakeCode} (id ${d.existingIntakeId})`;
      console.log(`  row ${d.row}: ${d.distanceM} m from ${other}`);
    }
    if (!acceptSuspectedDuplicates) {
      console.log('  they block the import; if they are distinct intakes, re-run with --accept-suspected-duplicates');
    }
  }
  if (result.outOfScope.length > 0) {
    console.log(`out of scope, not imported: ${result.outOfScope.length}`);
    for (const o of result.outOfScope) console.log(`  row ${o.row} (${o.code}): ${o.reason}`);
  }
  const counts = result.status === 'imported' ? created : planned;
  const verb = result.status === 'imported' ? 'created' : 'would create';
  if (result.status !== 'rejected') {
    console.log(
      `${verb}: ${counts.units} units, ${counts.intakes} intakes, ${counts.permits} permits; ` +
        `${result.reusedUnits} registered units reused`,
    );
  }
}

const options = parseCommandLine();
const config = loadConfigOrExit();
try {
  const { size } = await stat(options.file);
  // Checked before reading so a huge file is not loaded just to be refused.
  if (size > IMPORT_LIMITS.maxFileBytes) throw new ImportLimitError('fileBytes', IMPORT_LIMITS.maxFileBytes, size);
  const bytes = await readFile(options.file);
  const db = createDb({ url: config.databaseUrl, poolSize: 2 });
  try {
    const result = await importRegistry(db, bytes, {
      actor: options.actor,
      dryRun: options.dryRun,
      acceptSuspectedDuplicates: options.acceptSuspectedDuplicates,
      provinceCode: config.provinceCode,
      duplicateDistanceM: config.importDuplicateDistanceM,
    });
    printReport(result, options.acceptSuspectedDuplicates);
    process.exitCode = result.status === 'rejected' ? 1 : 0;
  } finally {
    await db.destroy();
  }
} catch (err) {
  if (!(err instanceof ImportFileError) && !(err instanceof Error && 'code' in err && err.code === 'ENOENT')) throw err;
  process.stderr.write(`${options.file}: ${err.message}\n`);
  process.exitCode = 1;
}
