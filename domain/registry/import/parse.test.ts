import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { waterUse } from '../vocabulary.ts';
import { readBoolean, readDate, readNumber, readVocabulary } from './cells.ts';
import { COLUMNS, resolveHeaders } from './columns.ts';
import { haversineM } from './duplicates.ts';
import { IMPORT_LIMITS } from './import-registry.ts';
import { detectFormat, parseSheet, xlsxCell } from './parse.ts';
import { templateCsv, templateXlsx } from './template.ts';
import { checkRows } from './validate.ts';

const limits = (maxRows: number) => ({ ...IMPORT_LIMITS, maxRows });

describe('cell readers', () => {
  it('reads dates as YYYY-MM-DD, YYYY/M/D or Excel serials, and refuses impossible ones', () => {
    expect(readDate('2024-03-05')).toEqual({ ok: true, value: '2024-03-05' });
    expect(readDate('2024/3/5')).toEqual({ ok: true, value: '2024-03-05' });
    expect(readDate(45292)).toEqual({ ok: true, value: '2024-01-01' });
    expect(readDate(null)).toEqual({ ok: true, value: null });
    expect(readDate('2023-02-29')).toMatchObject({ ok: false });
    expect(readDate('05/03/2024')).toMatchObject({ ok: false });
    expect(readDate(45292.5)).toMatchObject({ ok: false });
  });

  it('reads numbers, with thousands separators, and refuses text', () => {
    expect(readNumber('1,200,000.5')).toEqual({ ok: true, value: 1_200_000.5 });
    expect(readNumber(' -3.25 ')).toEqual({ ok: true, value: -3.25 });
    expect(readNumber('12 m3')).toEqual({ ok: false, reason: 'expected a number, got "12 m3"' });
    expect(readNumber('1,20')).toMatchObject({ ok: false });
  });

  it('reads yes/no in Chinese and English', () => {
    for (const yes of ['是', 'TRUE', '1', 'y', 'Yes']) expect(readBoolean(yes)).toEqual({ ok: true, value: true });
    for (const no of ['否', 'false', '0', 'N', 'no']) expect(readBoolean(no)).toEqual({ ok: true, value: false });
    expect(readBoolean(1)).toEqual({ ok: true, value: true });
    expect(readBoolean('maybe')).toMatchObject({ ok: false });
  });

  it('reads a vocabulary cell by Chinese label or English value', () => {
    expect(readVocabulary('公共供水', waterUse)).toEqual({ ok: true, value: 'public_supply' });
    expect(readVocabulary('Public_Supply', waterUse)).toEqual({ ok: true, value: 'public_supply' });
    expect(readVocabulary('灌溉', waterUse)).toEqual({
      ok: false,
      reason:
        'unknown value "灌溉"; expected one of: 农业 (agricultural), 工业 (industrial), 公共供水 (public_supply), 生活 (domestic), 生态 (ecological), 其他 (other)',
    });
  });
});

describe('parseSheet', () => {
  it('tells XLSX from CSV by the bytes', () => {
    expect(detectFormat(Buffer.from('PK\x03\x04rest'))).toBe('xlsx');
    expect(detectFormat(Buffer.from('取水口编码\n'))).toBe('csv');
  });

  it('reads CSV with a BOM, numbering rows as a spreadsheet does across blank and multi-line rows', async () => {
    const text = '\uFEFF取水口编码,取水口名称\r\nA1, 一号 \r\n\r\n"A2","二\n号"\r\n,\r\nA3,三号\r\n';
    const sheet = await parseSheet(Buffer.from(text, 'utf8'), limits(100));
    expect(sheet.format).toBe('csv');
    expect(sheet.headers).toEqual(['取水口编码', '取水口名称']);
    expect(sheet.rows).toEqual([
      { row: 2, cells: ['A1', '一号'] },
      { row: 4, cells: ['A2', '二\n号'] },
      { row: 6, cells: ['A3', '三号'] },
    ]);
  });

  it('normalises XLSX cells: rich text, hyperlinks, formulas, errors, booleans and dates', () => {
    expect(xlsxCell({ richText: [{ text: '伊通' }, { text: '河' }] })).toBe('伊通河');
    expect(xlsxCell({ text: '链接', hyperlink: 'https://example.org' })).toBe('链接');
    expect(xlsxCell({ formula: 'A1*2', result: 42 })).toBe(42);
    expect(xlsxCell({ formula: 'A1*2' })).toBe('=A1*2');
    expect(xlsxCell({ sharedFormula: 'B2', result: '是' })).toBe('是');
    expect(xlsxCell({ error: '#N/A' })).toBe('#N/A');
    expect(xlsxCell(true)).toBe('true');
    expect(xlsxCell(new Date(Date.UTC(2024, 4, 6)))).toBe('2024-05-06');
    expect(xlsxCell('  ')).toBeNull();
  });

  it('reads the first worksheet of an XLSX, skipping blank rows but keeping their numbers', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('first');
    sheet.addRow(['code', 'name']);
    sheet.addRow(['A1', 'one']);
    sheet.getCell('A4').value = 'A3';
    workbook.addWorksheet('second').addRow(['ignored']);
    const parsed = await parseSheet(Buffer.from(await workbook.xlsx.writeBuffer()), limits(100));
    expect(parsed).toEqual({
      format: 'xlsx',
      headers: ['code', 'name'],
      rows: [
        { row: 2, cells: ['A1', 'one'] },
        { row: 4, cells: ['A3', null] },
      ],
    });
  });
});

describe('resolveHeaders', () => {
  it('reports a column given twice under two names', () => {
    const headers = COLUMNS.map((c) => c.header).concat('Code');
    expect(resolveHeaders(headers).errors).toEqual([
      { row: 1, column: 'Code', reason: 'repeats column A ("取水口编码"): both mean 取水口编码' },
    ]);
  });

  it('accepts full-width parentheses in Chinese headers but not another unit', () => {
    expect(resolveHeaders(['机井管径（mm）']).layout.indexOf.get('wellDiameterMm')).toBe(0);
    expect(resolveHeaders(['许可年取水量(万m³)']).errors[0]).toMatchObject({ column: '许可年取水量(万m³)' });
  });
});

describe('checkRows', () => {
  it('refuses a value in a column that has no header', async () => {
    const header = COLUMNS.map((c) => c.header);
    const example = templateCsv().split('\r\n')[1] ?? '';
    const text = `${[...header.slice(0, 2), '', ...header.slice(2)].join(',')}\n${example.replace(/^([^,]*,[^,]*),/, '$1,stray,')},more\n`;
    const sheet = await parseSheet(Buffer.from(text, 'utf8'), limits(10));
    const { layout, errors } = resolveHeaders(sheet.headers);
    expect(errors).toEqual([]);
    expect(checkRows(sheet, layout).errors).toEqual([
      { row: 2, column: 'column C', reason: 'has a value but no header' },
      { row: 2, column: 'column Z', reason: 'has a value but no header' },
    ]);
  });
});

describe('template', () => {
  it('CSV template has every column and an example row that passes the row checks', async () => {
    const sheet = await parseSheet(Buffer.from(templateCsv(), 'utf8'), limits(10));
    const { layout, errors } = resolveHeaders(sheet.headers);
    expect(errors).toEqual([]);
    expect(sheet.headers).toEqual(COLUMNS.map((c) => c.header));
    const checked = checkRows(sheet, layout);
    expect(checked.errors).toEqual([]);
    expect(checked.rows[0]?.intake).toMatchObject({ sourceType: 'river', waterUse: 'public_supply', intakeKind: 'pump_station' });
  });

  it('XLSX template reads back the same, with drop-down lists on vocabulary columns', async () => {
    const bytes = await templateXlsx();
    const sheet = await parseSheet(bytes, limits(10));
    const csv = await parseSheet(Buffer.from(templateCsv(), 'utf8'), limits(10));
    expect(sheet.headers).toEqual(csv.headers);
    expect(checkRows(sheet, resolveHeaders(sheet.headers).layout).errors).toEqual([]);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
    const unitKindCell = workbook.worksheets[0]?.getCell('E3');
    expect(unitKindCell?.dataValidation).toMatchObject({ type: 'list', formulae: ['"单位,个人"'] });
  });
});

describe('haversineM', () => {
  it('measures about 111.2 km per degree of latitude', () => {
    expect(haversineM({ longitude: 125, latitude: 43 }, { longitude: 125, latitude: 44 })).toBeCloseTo(111_195, -1);
  });
});
