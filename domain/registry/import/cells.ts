/**
 * Reading one cell as the type its column needs. A cell arrives as text (CSV, or XLSX text) or as a
 * number (XLSX numbers and dates, already normalised by parse.ts); an empty cell is null. Each
 * reader returns the value, null for an empty cell, or a reason the cell cannot be read.
 */
import type { Vocabulary } from './columns.ts';

/** A cell after parsing: trimmed text, a number, or null when empty. */
export type RawCell = string | number | null;

export type CellRead<T> = { ok: true; value: T | null } | { ok: false; reason: string };

const ok = <T>(value: T | null): CellRead<T> => ({ ok: true, value });
const fail = <T>(reason: string): CellRead<T> => ({ ok: false, reason });

export function isEmptyCell(cell: RawCell | undefined): boolean {
  return cell === undefined || cell === null || (typeof cell === 'string' && cell.trim() === '');
}

export function readText(cell: RawCell): CellRead<string> {
  if (isEmptyCell(cell)) return ok(null);
  // A code or phone number typed into Excel may arrive as a number; its digits are the text.
  return ok(typeof cell === 'number' ? String(cell) : String(cell).trim());
}

// Plain decimals, optionally with thousands separators ("1,200,000") as Chinese forms often show them.
const DECIMAL = /^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$/;

export function readNumber(cell: RawCell): CellRead<number> {
  if (isEmptyCell(cell)) return ok(null);
  if (typeof cell === 'number') return Number.isFinite(cell) ? ok(cell) : fail('expected a number');
  const text = String(cell).trim();
  if (!DECIMAL.test(text)) return fail(`expected a number, got "${text}"`);
  return ok(Number(text.replace(/,/g, '')));
}

export function readInteger(cell: RawCell): CellRead<number> {
  const read = readNumber(cell);
  if (read.ok && read.value !== null && !Number.isInteger(read.value)) {
    return fail(`expected a whole number, got ${read.value}`);
  }
  return read;
}

const TRUE_WORDS = new Set(['是', 'true', '1', 'y', 'yes']);
const FALSE_WORDS = new Set(['否', 'false', '0', 'n', 'no']);

export function readBoolean(cell: RawCell): CellRead<boolean> {
  if (isEmptyCell(cell)) return ok(null);
  const word = String(cell).trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return ok(true);
  if (FALSE_WORDS.has(word)) return ok(false);
  return fail(`expected 是 or 否 (also true/false, 1/0, Y/N), got "${String(cell)}"`);
}

// Excel's day 0 in the 1900 date system is 1899-12-30 (it counts the non-existent 1900-02-29).
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;
const DATE_TEXT = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/;

function isoDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

/** YYYY-MM-DD, YYYY/M/D, or an Excel date serial; returns the ISO date YYYY-MM-DD. */
export function readDate(cell: RawCell): CellRead<string> {
  if (isEmptyCell(cell)) return ok(null);
  if (typeof cell === 'number') {
    // An Excel date cell whose number format was lost still holds its serial (days since 1899-12-30).
    if (!Number.isInteger(cell) || cell < 1 || cell > 2_958_465) return fail(`expected a date, got ${cell}`);
    return ok(new Date(EXCEL_EPOCH_MS + cell * DAY_MS).toISOString().slice(0, 10));
  }
  const text = String(cell).trim();
  const match = DATE_TEXT.exec(text);
  const iso = match ? isoDate(Number(match[1]), Number(match[2]), Number(match[3])) : null;
  return iso === null ? fail(`expected a date as YYYY-MM-DD or YYYY/M/D, got "${text}"`) : ok(iso);
}

export function describeVocabulary(vocabulary: Vocabulary): string {
  return vocabulary.values.map((v) => `${vocabulary.labels[v] ?? v} (${v})`).join(', ');
}

/** The Chinese label of the form, or the English value (any case). */
export function readVocabulary<V extends string>(cell: RawCell, vocabulary: Vocabulary<V>): CellRead<V> {
  if (isEmptyCell(cell)) return ok(null);
  const text = String(cell).trim();
  const lower = text.toLowerCase();
  const value = vocabulary.values.find((v) => vocabulary.labels[v] === text || v.toLowerCase() === lower);
  if (value === undefined) return fail(`unknown value "${text}"; expected one of: ${describeVocabulary(vocabulary)}`);
  return ok(value);
}
