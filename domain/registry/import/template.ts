/**
 * The blank registration form to hand out: the header row and one example row, as CSV and as XLSX.
 * The XLSX adds drop-down lists of the Chinese labels for vocabulary columns, text format for code
 * columns (so Excel keeps leading zeros and long digit strings), and an instructions sheet.
 */
import ExcelJS from 'exceljs';
import { creditCodeCheckChar } from '../credit-code.ts';
import { COLUMNS, columnLetter, type ColumnKey, type ColumnSpec } from './columns.ts';
import { describeVocabulary } from './cells.ts';

const EXAMPLE_CREDIT_CODE_BODY = '91220102MA0Y12345';

/** The example row, in the form's own words (Chinese labels). */
export const TEMPLATE_EXAMPLE: Readonly<Record<ColumnKey, string | number>> = {
  code: 'QS220102001',
  name: '示例自来水厂伊通河取水口',
  countyCode: '220102',
  unitName: '示例供水有限公司',
  unitKind: '单位',
  creditCode: EXAMPLE_CREDIT_CODE_BODY + (creditCodeCheckChar(EXAMPLE_CREDIT_CODE_BODY) ?? ''),
  contactPerson: '张三',
  contactPhone: '0431-88888888',
  longitude: 125.3245,
  latitude: 43.8868,
  sourceType: '河流',
  nonConventionalKind: '',
  sourceName: '伊通河',
  waterUse: '公共供水',
  intakeKind: '泵站',
  wellDiameterMm: '',
  bundledSmallIrrigation: '否',
  confidential: '否',
  permitExempt: '否',
  permitNumber: 'D220102S2024-0001',
  issuingLevel: '市级',
  validFrom: '2024-01-01',
  validTo: '2028-12-31',
  annualVolumeM3: 500000,
};

/** A CSV field, quoted when it holds a quote, comma or line break (RFC 4180). */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** UTF-8 with a BOM, which Excel needs to open Chinese CSV text correctly; the import accepts both. */
export function templateCsv(): string {
  const header = COLUMNS.map((c) => csvField(c.header)).join(',');
  const example = COLUMNS.map((c) => csvField(TEMPLATE_EXAMPLE[c.key])).join(',');
  return `\uFEFF${header}\r\n${example}\r\n`;
}

/** exceljs implements worksheet.dataValidations (range-wide rules) but its typings leave it out. */
interface WorksheetWithValidations {
  dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
}

const TEXT_COLUMNS: readonly ColumnKey[] = ['code', 'countyCode', 'creditCode', 'contactPhone', 'permitNumber'];
const BOOLEAN_LIST = '"是,否"';
/**
 * Drop-down lists cover this many data rows. exceljs expands a list range cell by cell when it reads
 * a file back, so covering all 50,000 allowed rows would cost every later import ~0.5 s.
 */
export const TEMPLATE_LIST_ROWS = 10_000;
// Files generated at different times stay identical in their document properties.
const FIXED_DATE = new Date(Date.UTC(2026, 0, 1));

export async function templateXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'water-intake-monitor';
  workbook.created = FIXED_DATE;
  workbook.modified = FIXED_DATE;
  const sheet = workbook.addWorksheet('取水口登记表', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  sheet.addRow(COLUMNS.map((c) => TEMPLATE_EXAMPLE[c.key]));

  const lastRow = TEMPLATE_LIST_ROWS + 1;
  const validations = (sheet as unknown as WorksheetWithValidations).dataValidations;
  COLUMNS.forEach((c, index) => {
    const column = sheet.getColumn(index + 1);
    if (TEXT_COLUMNS.includes(c.key)) column.numFmt = '@';
    if (c.kind === 'date') column.numFmt = 'yyyy-mm-dd';
    const list = dropDownList(c);
    if (list === null) return;
    const letter = columnLetter(index);
    validations.add(`${letter}2:${letter}${lastRow}`, {
      type: 'list',
      allowBlank: true,
      formulae: [list],
      showErrorMessage: true,
      errorTitle: c.header,
      error: c.kind === 'boolean' ? '请选择 是 或 否' : '请从下拉列表中选择',
    });
  });

  const help = workbook.addWorksheet('填写说明');
  help.columns = [
    { header: '列名', width: 22 },
    { header: 'English header', width: 24 },
    { header: '必填', width: 8 },
    { header: '说明 / accepted values', width: 90 },
  ];
  help.getRow(1).font = { bold: true };
  for (const c of COLUMNS) {
    help.addRow([c.header, c.key, c.required ? '是' : '否', acceptedValues(c)]);
  }
  help.addRow([]);
  help.addRow(['', '', '', 'Only the first worksheet is imported; row 1 holds the headers.']);
  help.addRow(['', '', '', 'Delete the example row before importing.']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** An Excel list rule: the Chinese labels of a vocabulary column, or 是/否 for a yes/no column. */
function dropDownList(c: ColumnSpec): string | null {
  if (c.vocabulary) {
    const { labels, values } = c.vocabulary;
    return `"${values.map((v) => labels[v] ?? v).join(',')}"`;
  }
  return c.kind === 'boolean' ? BOOLEAN_LIST : null;
}

function acceptedValues(c: ColumnSpec): string {
  if (c.vocabulary) return `${c.note}: ${describeVocabulary(c.vocabulary)}`;
  return c.kind === 'boolean' ? `${c.note}: 是/否 (empty = 否)` : c.note;
}
