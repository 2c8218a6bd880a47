/**
 * An upload cannot take the API's memory or event loop with it (issue 15, defect 7): a file that
 * inflates past its limits is refused with 413 before exceljs loads it, the API answers other
 * requests while a file is read (a worker thread reads it), and a report stays small.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/database.ts';
import { useSignedInApp } from '../testing/app.ts';
import {
  IMPORT_LIMITS,
  ImportLimitError,
  type ImportOptions,
  importRegistry,
  MAX_REPORTED_ERRORS,
  parseSheetOffThread,
} from '../../domain/registry/index.ts';
import { csvFile, row } from '../../domain/registry/import/testing/fixtures.ts';

const testDb = useTestDatabase();
const api = useSignedInApp(testDb);

const options = (extra: Partial<ImportOptions> = {}): ImportOptions => ({
  actor: 'test:limits',
  provinceCode: '220000',
  duplicateDistanceM: 100,
  ...extra,
});

function upload(file: Buffer) {
  const boundary = '----wim-limits-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="form.xlsx"\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return api({
    method: 'POST',
    url: '/v1/registry/imports?dryRun=true',
    payload,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
}

async function workbook(rows: (string | number)[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('登记表');
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** A valid one-sheet XLSX whose worksheet is padded to inflate to `megabytes` MB: a small file. */
async function zipBomb(megabytes: number): Promise<Buffer> {
  const zip = await JSZip.loadAsync(await workbook([['取水口编码']]));
  const entry = zip.file('xl/worksheets/sheet1.xml');
  if (!entry) throw new Error('exceljs wrote no sheet1.xml');
  const xml = await entry.async('string');
  zip.file('xl/worksheets/sheet1.xml', xml.replace('<sheetData>', `<sheetData>${' '.repeat(megabytes * 1024 * 1024)}`));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

describe('upload limits', () => {
  it('answers 413 to an XLSX that inflates past the limit, and /healthz meanwhile', async () => {
    const bomb = await zipBomb(80);
    expect(bomb.length).toBeLessThan(200_000);
    const answers: string[] = [];
    const importing = upload(bomb).then((res) => {
      answers.push('import');
      return res;
    });
    const health = await api('/healthz');
    answers.push('healthz');
    expect(health.statusCode).toBe(200);
    const res = await importing;
    // The file is read in a worker, so the event loop answers /healthz before the import is done.
    expect(answers).toEqual(['healthz', 'import']);
    expect(res.statusCode, res.body).toBe(413);
    const problem = res.json<{ code: string; detail: string }>();
    expect(problem.code).toBe('payload_too_large');
    expect(problem.detail).toMatch(/decompresses to more than 67108864 bytes/);
  });

  it('refuses an XLSX or a CSV over the cell limit before reading it whole', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => Array.from({ length: 10 }, (_, j) => `${i}-${j}`));
    const xlsx = importRegistry(testDb.db, await workbook(rows), options({ limits: { maxCells: 100 } }));
    await expect(xlsx).rejects.toBeInstanceOf(ImportLimitError);
    await expect(xlsx).rejects.toMatchObject({ limit: 'cells', max: 100 });
    const csv = importRegistry(testDb.db, Buffer.from(rows.map((r) => r.join(',')).join('\n')), options({ limits: { maxCells: 100 } }));
    await expect(csv).rejects.toMatchObject({ limit: 'cells', max: 100 });
  });

  it('refuses an XLSX over the decompressed size limit through the service too', async () => {
    const file = await workbook([['取水口编码'], ['QS-1']]);
    await expect(importRegistry(testDb.db, file, options({ limits: { maxUncompressedBytes: 1000 } }))).rejects.toMatchObject({
      limit: 'uncompressedBytes',
      max: 1000,
    });
  });
});

describe('the reading worker', () => {
  it('refuses a file that needs more than its heap as over the memory limit, and reads the next', async () => {
    const rows = Array.from({ length: 4000 }, (_, i) => Array.from({ length: 20 }, (_, j) => `cell ${i} ${j}`));
    const file = await workbook(rows);
    const refused = parseSheetOffThread(file, IMPORT_LIMITS, 16);
    await expect(refused).rejects.toBeInstanceOf(ImportLimitError);
    await expect(refused).rejects.toMatchObject({ limit: 'memory', max: 16 });
    const read = await parseSheetOffThread(file, IMPORT_LIMITS);
    expect(read.rows).toHaveLength(3999);
  });
});

describe('report size', () => {
  it('lists the accepted columns once, not with each unknown header', async () => {
    const headers = Array.from({ length: 3000 }, (_, i) => `unknown-${i}`);
    const res = await importRegistry(testDb.db, Buffer.from(`${headers.join(',')}\n${headers.map(() => 'x').join(',')}\n`), options());
    const body = JSON.stringify(res);
    expect(body.split('accepted columns:').length - 1).toBe(1);
    expect(body.length).toBeLessThan(300_000);
  });

  it(`lists at most ${MAX_REPORTED_ERRORS} errors and says how many more there are`, async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => row({ code: `BAD CODE ${i}`, permitNumber: `P-${i}`, longitude: 125 + i / 1000 }));
    const res = await importRegistry(testDb.db, csvFile(rows), options({ dryRun: true }));
    expect(res.status).toBe('rejected');
    expect(res.errors).toHaveLength(MAX_REPORTED_ERRORS + 1);
    expect(res.errors.at(-1)).toMatchObject({ row: null, column: null });
    expect(res.errors.at(-1)?.reason).toMatch(/^200 more errors not listed/);
  });
});
