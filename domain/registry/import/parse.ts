/**
 * Reading an uploaded file into a header row and data rows of plain cells (text, number or empty),
 * whatever it came as: CSV (UTF-8, with or without BOM) or XLSX (first worksheet). The format is
 * told from the bytes, not from a file name, which an upload may not have or may get wrong.
 */
import ExcelJS from 'exceljs';
import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import { Readable } from 'node:stream';
import JSZip from 'jszip';
import { SaxesParser } from 'saxes';
import { isEmptyCell, type RawCell } from './cells.ts';
import { ImportLimitError, UnreadableFileError } from './errors.ts';
import type { ImportLimits, SheetFormat } from './types.ts';

export type SheetLimits = Pick<ImportLimits, 'maxRows' | 'maxUncompressedBytes' | 'maxCells'>;

export interface SheetRow {
  /** The 1-based spreadsheet row number (the header is row 1). */
  row: number;
  /** Cells by 0-based column index; may be shorter or longer than the header. */
  cells: RawCell[];
}

export interface ParsedSheet {
  format: SheetFormat;
  headers: string[];
  /** Data rows with at least one non-empty cell, in file order. */
  rows: SheetRow[];
}

/** exceljs declares its own Buffer type, which Node's Buffer no longer matches; at run time it takes Node's. */
type ExcelBuffer = Parameters<ExcelJS.Xlsx['load']>[0];

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // "PK\x03\x04": XLSX is a ZIP archive
const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0]; // legacy .xls (and .doc): a Compound File

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** XLSX when the bytes are a ZIP archive, CSV otherwise. */
export function detectFormat(bytes: Uint8Array): SheetFormat {
  if (bytes.length === 0) throw new UnreadableFileError('empty', 'the file is empty');
  if (startsWith(bytes, OLE2_MAGIC)) {
    throw new UnreadableFileError('legacy_xls', 'legacy Excel 97-2003 (.xls) files are not accepted; save as .xlsx or CSV UTF-8');
  }
  return startsWith(bytes, ZIP_MAGIC) ? 'xlsx' : 'csv';
}

/**
 * Reads the file in the calling thread; the import runs it in a worker (parse-off-thread.ts), as a
 * large file takes seconds of CPU and hundreds of MB.
 */
export async function parseSheet(bytes: Uint8Array, limits: SheetLimits): Promise<ParsedSheet> {
  const format = detectFormat(bytes);
  const sheet = format === 'xlsx' ? await parseXlsx(bytes, limits) : parseCsvText(decodeUtf8(bytes), limits);
  if (sheet.headers.every((h) => h.trim() === '')) {
    throw new UnreadableFileError('no_header', 'row 1 is empty: the first row must hold the column headers');
  }
  return { format, ...sheet };
}

function decodeUtf8(bytes: Uint8Array): string {
  let text: string;
  try {
    // fatal: refuse rather than silently turn GB18030/GBK bytes into U+FFFD. The BOM is dropped.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const line = lenient.slice(0, lenient.indexOf('\uFFFD')).split('\n').length;
    throw new UnreadableFileError(
      'not_utf8',
      `the file is not valid UTF-8 (first bad byte on line ${line}); ` + 'save the CSV as "CSV UTF-8", GB18030/GBK is not accepted',
    );
  }
  if (text.includes('\0')) {
    throw new UnreadableFileError('binary', 'the file holds binary data (NUL bytes), not CSV text');
  }
  return text;
}

function parseCsvText(text: string, { maxRows, maxCells }: SheetLimits): Omit<ParsedSheet, 'format'> {
  let records: string[][];
  try {
    // Blank lines are kept as records so record numbers stay the row numbers a spreadsheet shows.
    records = parseCsv(text, { relax_column_count: true, skip_empty_lines: false });
  } catch (err) {
    if (err instanceof CsvError) {
      throw new UnreadableFileError('csv_syntax', `not a readable CSV file: ${err.message}`);
    }
    throw err;
  }
  const [header, ...data] = records;
  if (!header) throw new UnreadableFileError('no_header', 'the file has no header row');
  const rows: SheetRow[] = [];
  let cellCount = header.length;
  data.forEach((record, index) => {
    cellCount += record.length;
    if (cellCount > maxCells) throw new ImportLimitError('cells', maxCells, cellCount);
    const cells = record.map((c): RawCell => (c.trim() === '' ? null : c.trim()));
    if (cells.every(isEmptyCell)) return;
    if (rows.length >= maxRows) throw new ImportLimitError('rows', maxRows, data.length);
    rows.push({ row: index + 2, cells });
  });
  return { headers: header.map((h) => h.trim()), rows };
}

const WORKSHEET_ENTRY = /^xl\/worksheets\/[^/]+\.xml$/;

/**
 * Inflates every entry of the archive as a stream, without keeping it, to refuse before exceljs
 * loads it whole: an archive whose entries decompress past maxUncompressedBytes (the sizes it
 * declares may lie, so they are counted), or worksheets holding more than maxCells cell elements
 * (counted with a streaming XML parser). Each inflated chunk is at most about 1000 times its 16 KiB
 * compressed block, so memory stays small whatever the archive claims.
 */
async function checkXlsxSize(bytes: Uint8Array, { maxUncompressedBytes, maxCells }: SheetLimits): Promise<void> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new UnreadableFileError('bad_xlsx', `the file is a ZIP archive but not a readable XLSX workbook (${detail})`);
  }
  let inflated = 0;
  let cells = 0;
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    const xml = WORKSHEET_ENTRY.test(entry.name) ? new SaxesParser() : undefined;
    xml?.on('opentagstart', (tag) => {
      if (tag.name === 'c' && ++cells > maxCells) throw new ImportLimitError('cells', maxCells, cells);
    });
    const decoder = new TextDecoder();
    try {
      // JSZip's stream is a readable-stream 2 one, without async iteration: wrap it in Node's.
      for await (const chunk of new Readable({ objectMode: false }).wrap(entry.nodeStream('nodebuffer')) as AsyncIterable<Buffer>) {
        inflated += chunk.length;
        if (inflated > maxUncompressedBytes) throw new ImportLimitError('uncompressedBytes', maxUncompressedBytes, inflated);
        xml?.write(decoder.decode(chunk, { stream: true }));
      }
    } catch (err) {
      if (err instanceof ImportLimitError) throw err;
      const detail = err instanceof Error ? err.message : String(err);
      throw new UnreadableFileError('bad_xlsx', `the file is a ZIP archive but not a readable XLSX workbook (${entry.name}: ${detail})`);
    }
  }
}

async function parseXlsx(bytes: Uint8Array, limits: SheetLimits): Promise<Omit<ParsedSheet, 'format'>> {
  const { maxRows } = limits;
  await checkXlsxSize(bytes, limits);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelBuffer);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new UnreadableFileError('bad_xlsx', `the file is a ZIP archive but not a readable XLSX workbook (${detail})`);
  }
  const worksheet = workbook.worksheets[0];
  if (!worksheet) throw new UnreadableFileError('no_worksheet', 'the workbook has no worksheet');
  // actualRowCount counts rows holding values; checked before reading them so a huge sheet fails fast.
  if (worksheet.actualRowCount - 1 > maxRows) {
    throw new ImportLimitError('rows', maxRows, worksheet.actualRowCount - 1);
  }
  const headerRow = worksheet.getRow(1);
  const headers: string[] = [];
  for (let col = 1; col <= headerRow.cellCount; col++) {
    const cell = xlsxCell(headerRow.getCell(col).value);
    headers.push(cell === null ? '' : String(cell).trim());
  }
  while (headers.length > 0 && headers[headers.length - 1] === '') headers.pop();
  const rows: SheetRow[] = [];
  worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber === 1) return;
    const cells: RawCell[] = [];
    for (let col = 1; col <= Math.max(row.cellCount, headers.length); col++) cells.push(xlsxCell(row.getCell(col).value));
    if (cells.every(isEmptyCell)) return;
    rows.push({ row: rowNumber, cells });
  });
  return { headers, rows };
}

/** An exceljs cell value as a plain cell: rich text joined, formulas by their cached result, dates as YYYY-MM-DD. */
export function xlsxCell(value: ExcelJS.CellValue): RawCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // exceljs reads Excel dates as UTC midnight of the shown day.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  if ('richText' in value) return xlsxCell(value.richText.map((r) => r.text).join(''));
  if ('hyperlink' in value) return xlsxCell(value.text);
  if ('error' in value) return value.error;
  if ('sharedFormula' in value || 'formula' in value) {
    // A formula without a cached result (never calculated) is shown as its text so the reason names it.
    if (value.result !== undefined) return xlsxCell(value.result);
    return `=${value.formula ?? ''}`;
  }
  return null;
}
