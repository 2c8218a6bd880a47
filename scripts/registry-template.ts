/**
 * Writes the registry import template files, docs/templates/registry-import-template.csv and .xlsx,
 * from the column list in domain/registry/import/columns.ts. Re-run after changing the columns.
 *   node scripts/registry-template.ts [OUTPUT_DIR]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { templateCsv, templateXlsx } from '../domain/registry/index.ts';

const outputDir = process.argv[2] ?? path.join(import.meta.dirname, '..', 'docs', 'templates');
await mkdir(outputDir, { recursive: true });
const csvPath = path.join(outputDir, 'registry-import-template.csv');
const xlsxPath = path.join(outputDir, 'registry-import-template.xlsx');
await writeFile(csvPath, templateCsv(), 'utf8');
await writeFile(xlsxPath, await templateXlsx());
console.log(`wrote ${csvPath}\nwrote ${xlsxPath}`);
