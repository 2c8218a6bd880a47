/**
 * One place for every download (issue 18): a table as columns with Chinese headers, written as
 * CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese) or as XLSX.
 *
 * Registry text is stored as it was imported, formulas included (`=HYPERLINK(...)`, `@SUM(...)`):
 * every text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written with
 * a leading single quote, so no spreadsheet program evaluates it (OWASP "CSV injection"). Numbers
 * are written as numbers, never as text, so totals stay numbers and need no quoting.
 */
import ExcelJS from 'exceljs';

export type Cell = string | number | null;

export interface Column<Row> {
  header: string;
  value: (row: Row) => Cell;
  /** Character width in XLSX. */
  width?: number;
}

export interface Table<Row> {
  /** Worksheet name (at most 31 characters, no []:*?/\). */
  name: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  /** A last row, e.g. the totals (合计), written after a blank line of nothing. */
  footer?: readonly Cell[];
}

const DANGEROUS_START = /^[=+\-@\t\r]/;

/** A text cell made inert: a leading quote before a character a spreadsheet would run as a formula. */
export function neutralise(value: Cell): Cell {
  return typeof value === 'string' && DANGEROUS_START.test(value) ? `'${value}` : value;
}

function csvField(value: Cell): string {
  if (value === null) return '';
  const text = String(neutralise(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The cells of a table: header row, data rows, footer; every text cell neutralised. */
export function tableCells<Row>(t: Table<Row>): Cell[][] {
  const out: Cell[][] = [t.columns.map((c) => c.header)];
  for (const row of t.rows) out.push(t.columns.map((c) => neutralise(c.value(row))));
  if (t.footer) out.push(t.footer.map(neutralise));
  return out;
}

/** CSV, UTF-8 with BOM, CRLF line ends (RFC 4180). */
export function toCsv<Row>(t: Table<Row>): Buffer {
  const lines = tableCells(t).map((cells) => cells.map(csvField).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

// Files generated at different times differ only in their data.
const FIXED_DATE = new Date(Date.UTC(2026, 0, 1));

/** A table reduced to its cells (headers first), ready for a worksheet. */
export interface Sheet {
  name: string;
  widths: number[];
  cells: Cell[][];
  hasFooter: boolean;
}

export function sheetOf<Row>(t: Table<Row>): Sheet {
  return {
    name: t.name,
    widths: t.columns.map((c) => c.width ?? Math.max(10, c.header.length * 2 + 2)),
    cells: tableCells(t),
    hasFooter: t.footer !== undefined,
  };
}

/** An XLSX workbook with one worksheet per sheet (sheetOf), the header row bold and frozen. */
export async function toXlsx(sheets: readonly Sheet[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'water-intake-monitor';
  workbook.created = FIXED_DATE;
  workbook.modified = FIXED_DATE;
  for (const s of sheets) {
    const sheet = workbook.addWorksheet(s.name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    const [header = [], ...body] = s.cells;
    sheet.columns = header.map((h, k) => ({ header: String(h ?? ''), width: s.widths[k] ?? 10 }));
    sheet.getRow(1).font = { bold: true };
    // Plain strings and numbers: exceljs writes a formula only for a { formula } object, and the
    // quote prefix keeps the text inert when a person edits the cell and presses Enter.
    for (const cells of body) sheet.addRow(cells);
    if (s.hasFooter) sheet.getRow(sheet.rowCount).font = { bold: true };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
