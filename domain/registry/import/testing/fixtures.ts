/** Rows and files for the import tests: a valid registration row to vary, written as CSV or XLSX. */
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import type { Db } from '../../../../platform/db/database.ts';
import { creditCodeCheckChar } from '../../credit-code.ts';
import { COLUMNS, type ColumnKey } from '../columns.ts';
import { csvField, TEMPLATE_EXAMPLE } from '../template.ts';

export type FixtureRow = Partial<Record<ColumnKey, string | number | Date>>;

export function creditCode(first17: string): string {
  return first17 + (creditCodeCheckChar(first17) ?? '');
}

export const CREDIT_A = creditCode('91220102MA0Y12345');
export const CREDIT_B = creditCode('91220103MA0Y54321');

/**
 * A valid row: the form's own example (an organisation's river pump station with a permit, in
 * county 220102) under a code and names of its own.
 */
export function row(overrides: FixtureRow = {}): FixtureRow {
  return {
    ...TEMPLATE_EXAMPLE,
    code: 'QS-001',
    name: '伊通河一号泵站',
    unitName: '长春示例供水有限公司',
    creditCode: CREDIT_A,
    ...overrides,
  };
}

/** A row without a permit: the five permit cells empty. */
export function rowWithoutPermit(overrides: FixtureRow = {}): FixtureRow {
  return row({ permitNumber: '', issuingLevel: '', validFrom: '', validTo: '', annualVolumeM3: '', ...overrides });
}

const CHINESE_HEADERS = COLUMNS.map((c) => c.header);

function cellText(value: string | number | Date | undefined): string {
  if (value === undefined) return '';
  return csvField(value instanceof Date ? value.toISOString().slice(0, 10) : value);
}

/** CSV bytes with the given headers (default: the template's Chinese headers, in template order). */
export function csvFile(
  rows: readonly FixtureRow[],
  headers: readonly string[] = CHINESE_HEADERS,
  keys: readonly ColumnKey[] = COLUMNS.map((c) => c.key),
): Buffer {
  const lines = [headers.map((h) => cellText(h)).join(','), ...rows.map((r) => keys.map((k) => cellText(r[k])).join(','))];
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

export async function xlsxFile(
  rows: readonly FixtureRow[],
  cellValue: (key: ColumnKey, value: FixtureRow[ColumnKey]) => ExcelJS.CellValue = (_k, v) => v ?? null,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('登记表');
  sheet.addRow(CHINESE_HEADERS);
  for (const r of rows) sheet.addRow(COLUMNS.map((c) => cellValue(c.key, r[c.key])));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export type TableCounts = Record<'withdrawal_units' | 'intakes' | 'permits' | 'registry_changes', number>;

export async function countRows(db: Db): Promise<TableCounts> {
  const { rows } = await sql<TableCounts>`
    select (select count(*)::int from withdrawal_units) as withdrawal_units,
           (select count(*)::int from intakes) as intakes,
           (select count(*)::int from permits) as permits,
           (select count(*)::int from registry_changes) as registry_changes`.execute(db);
  const counts = rows[0];
  if (!counts) throw new Error('no counts');
  return counts;
}
