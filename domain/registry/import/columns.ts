/**
 * The import template: the registration form's columns (Annex 2 style), their Chinese headers as on
 * the form, the English alias each also answers to, and how their cells are read. The template
 * files, the docs table and the header matching all come from this one list.
 */
import { intakeKind, issuingLevel, nonConventionalKind, sourceType, unitKind, waterUse } from '../vocabulary.ts';
import type { ImportError } from './types.ts';

/** A controlled vocabulary from vocabulary.ts: English values with their Chinese form labels. */
export interface Vocabulary<V extends string = string> {
  readonly labels: Readonly<Record<string, string>>;
  readonly values: readonly V[];
}

export type CellKind = 'text' | 'number' | 'integer' | 'boolean' | 'date' | 'vocabulary';

export interface ColumnSpec {
  /** The field's English name; also the accepted English header. */
  readonly key: string;
  /** The header of the Chinese registration form. */
  readonly header: string;
  readonly kind: CellKind;
  /** The header must be present and every row's cell filled. */
  readonly required: boolean;
  readonly vocabulary?: Vocabulary;
  /** Width of the column in the XLSX template, in characters. */
  readonly width: number;
  /** One line for the docs and the template's instructions sheet. */
  readonly note: string;
}

function column<const K extends string>(
  key: K,
  header: string,
  kind: CellKind,
  required: boolean,
  note: string,
  extra: { vocabulary?: Vocabulary; width?: number } = {},
): ColumnSpec & { key: K } {
  const width = extra.width ?? Math.max(12, header.length * 2 + 4);
  const spec = { key, header, kind, required, note, width };
  return extra.vocabulary ? { ...spec, vocabulary: extra.vocabulary } : spec;
}

export const COLUMNS = [
  column('code', '取水口编码', 'text', true, '1-32 letters, digits, _ or -; unique in the registry'),
  column('name', '取水口名称', 'text', true, 'up to 200 characters', { width: 24 }),
  column('countyCode', '所在县级行政区代码', 'text', true, '6-digit GB/T 2260 code of a county of the province'),
  column('unitName', '取水单位名称', 'text', true, 'the withdrawing unit or person', { width: 28 }),
  column('unitKind', '取水单位类型', 'vocabulary', true, 'organisation or person', { vocabulary: unitKind }),
  column('creditCode', '统一社会信用代码', 'text', false, 'required for an organisation (GB 32100, 18 characters)', {
    width: 22,
  }),
  column('contactPerson', '联系人', 'text', false, 'up to 100 characters'),
  column('contactPhone', '联系电话', 'text', false, 'up to 40 characters', { width: 16 }),
  column('longitude', '经度', 'number', true, 'decimal degrees (WGS 84), 73 to 136'),
  column('latitude', '纬度', 'number', true, 'decimal degrees (WGS 84), 3 to 54'),
  column('sourceType', '水源类型', 'vocabulary', true, 'type of water source', { vocabulary: sourceType }),
  column('nonConventionalKind', '非常规水源类别', 'vocabulary', false, 'required exactly when 水源类型 is 非常规水源', {
    vocabulary: nonConventionalKind,
  }),
  column('sourceName', '水源名称', 'text', false, 'e.g. the river or reservoir', { width: 16 }),
  column('waterUse', '取水用途', 'vocabulary', true, 'main use of the water', { vocabulary: waterUse }),
  column('intakeKind', '取水方式', 'vocabulary', true, 'kind of intake works', { vocabulary: intakeKind }),
  column('wellDiameterMm', '机井管径(mm)', 'integer', false, 'required exactly when 取水方式 is 机井; whole millimetres'),
  column('bundledSmallIrrigation', '打捆登记', 'boolean', false, 'small farmer irrigation intakes registered in a bundle'),
  column('confidential', '涉密', 'boolean', false, 'e.g. on an international boundary river'),
  column('permitExempt', '免办取水许可', 'boolean', false, 'exempt from a withdrawal permit'),
  column('permitNumber', '取水许可证编号', 'text', false, 'leave the permit columns empty when there is no permit', {
    width: 26,
  }),
  column('issuingLevel', '发证机关级别', 'vocabulary', false, 'required with a permit', { vocabulary: issuingLevel }),
  column('validFrom', '许可有效期起', 'date', false, 'required with a permit; YYYY-MM-DD, YYYY/M/D or an Excel date'),
  column('validTo', '许可有效期止', 'date', false, 'required with a permit; not before 许可有效期起'),
  column('annualVolumeM3', '许可年取水量(m³)', 'number', false, 'required with a permit; cubic metres (not 万m³)', {
    width: 20,
  }),
] as const;

export type ColumnKey = (typeof COLUMNS)[number]['key'];

export const PERMIT_COLUMNS = [
  'permitNumber',
  'issuingLevel',
  'validFrom',
  'validTo',
  'annualVolumeM3',
] as const satisfies readonly ColumnKey[];

const SPEC_BY_KEY = new Map<ColumnKey, ColumnSpec>(COLUMNS.map((c) => [c.key, c]));

export function isColumnKey(name: string): name is ColumnKey {
  return SPEC_BY_KEY.has(name as ColumnKey);
}

export function columnSpec(key: ColumnKey): ColumnSpec {
  const spec = SPEC_BY_KEY.get(key);
  if (!spec) throw new Error(`no column ${key}`);
  return spec;
}

/**
 * Header matching ignores case, spaces and underscores, and reads full-width parentheses as
 * ASCII ones (Chinese input methods type （）). Units are not normalised: only m³ is accepted.
 */
export function normaliseHeader(header: string): string {
  return header
    .replace(/[\s_\u3000]+/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .toLowerCase();
}

const KEY_BY_HEADER = new Map<string, ColumnKey>(
  COLUMNS.flatMap((c) => [
    [normaliseHeader(c.header), c.key],
    [normaliseHeader(c.key), c.key],
  ]),
);

/** "A", "B", ..., "Z", "AA": how a spreadsheet names the column at a 0-based index. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** Where each known column sits in the file, and the header as the file wrote it. */
export interface ColumnLayout {
  readonly indexOf: ReadonlyMap<ColumnKey, number>;
  /** The header as written, or the canonical Chinese header when the column is absent. */
  headerOf(key: ColumnKey): string;
  /** 0-based indexes of header cells left empty (their data must be empty too). */
  readonly unnamed: readonly number[];
}

const ACCEPTED_HEADERS = COLUMNS.map((c) => `${c.header} (${c.key})`).join(', ');

/** Matches the header row to the template; every unknown, repeated or missing header is an error on row 1. */
export function resolveHeaders(headers: readonly string[]): { layout: ColumnLayout; errors: ImportError[] } {
  const errors: ImportError[] = [];
  const indexOf = new Map<ColumnKey, number>();
  const written = new Map<ColumnKey, string>();
  const unnamed: number[] = [];
  let firstUnknown: number | undefined;
  headers.forEach((raw, index) => {
    const header = raw.trim();
    if (header === '') {
      unnamed.push(index);
      return;
    }
    const key = KEY_BY_HEADER.get(normaliseHeader(header));
    if (key === undefined) {
      // The accepted list is long (about 1 KB): given once, not with each of thousands of unknown headers.
      const reason =
        firstUnknown === undefined
          ? `unknown column; accepted columns: ${ACCEPTED_HEADERS}`
          : `unknown column (the accepted columns are listed with column ${columnLetter(firstUnknown)})`;
      firstUnknown ??= index;
      errors.push({ row: 1, column: header, reason });
      return;
    }
    const earlier = indexOf.get(key);
    if (earlier !== undefined) {
      const first = `column ${columnLetter(earlier)} ("${headers[earlier] ?? ''}")`;
      errors.push({ row: 1, column: header, reason: `repeats ${first}: both mean ${columnSpec(key).header}` });
      return;
    }
    indexOf.set(key, index);
    written.set(key, header);
  });
  for (const spec of COLUMNS) {
    if (spec.required && !indexOf.has(spec.key)) {
      errors.push({ row: 1, column: spec.header, reason: `required column is missing (English header: ${spec.key})` });
    }
  }
  const layout: ColumnLayout = {
    indexOf,
    headerOf: (key) => written.get(key) ?? columnSpec(key).header,
    unnamed,
  };
  return { layout, errors };
}
