/**
 * Reads the cells of one data row by column, collecting a `{ row, column, reason }` error for every
 * cell that cannot be read, so a row is checked completely rather than up to its first problem.
 */
import {
  readBoolean,
  readDate,
  readInteger,
  readNumber,
  readText,
  readVocabulary,
  isEmptyCell,
  type CellRead,
  type RawCell,
} from './cells.ts';
import { columnSpec, type ColumnKey, type ColumnLayout, type Vocabulary } from './columns.ts';
import type { SheetRow } from './parse.ts';
import type { ImportError } from './types.ts';

/**
 * A read value: the value, null for an empty cell, or undefined when the cell could not be read
 * (its error is already recorded, so schema checks skip that column).
 */
export type Read<T> = T | null | undefined;

export class RowReader {
  readonly row: number;
  readonly errors: ImportError[] = [];
  private readonly cells: readonly RawCell[];
  private readonly layout: ColumnLayout;
  private readonly failed = new Set<ColumnKey>();

  constructor(sheetRow: SheetRow, layout: ColumnLayout) {
    this.row = sheetRow.row;
    this.cells = sheetRow.cells;
    this.layout = layout;
  }

  cell(key: ColumnKey): RawCell {
    const index = this.layout.indexOf.get(key);
    return index === undefined ? null : (this.cells[index] ?? null);
  }

  isEmpty(key: ColumnKey): boolean {
    return isEmptyCell(this.cell(key));
  }

  /** Whether a problem was already recorded for this column. */
  hasFailed(key: ColumnKey): boolean {
    return this.failed.has(key);
  }

  error(key: ColumnKey, reason: string): void {
    // One reason per cell: the first is the most specific (e.g. "required" before a schema message).
    if (this.failed.has(key)) return;
    this.failed.add(key);
    this.errors.push({ row: this.row, column: this.layout.headerOf(key), reason });
  }

  /** `required` defaults to the column's template rule; the permit group passes it explicitly. */
  text(key: ColumnKey, required?: boolean): Read<string> {
    return this.take(key, readText(this.cell(key)), required);
  }

  number(key: ColumnKey, required?: boolean): Read<number> {
    return this.take(key, readNumber(this.cell(key)), required);
  }

  integer(key: ColumnKey, required?: boolean): Read<number> {
    return this.take(key, readInteger(this.cell(key)), required);
  }

  boolean(key: ColumnKey): Read<boolean> {
    return this.take(key, readBoolean(this.cell(key)), false);
  }

  date(key: ColumnKey, required?: boolean): Read<string> {
    return this.take(key, readDate(this.cell(key)), required);
  }

  vocabulary<V extends string>(key: ColumnKey, vocabulary: Vocabulary<V>, required?: boolean): Read<V> {
    return this.take(key, readVocabulary(this.cell(key), vocabulary), required);
  }

  private take<T>(key: ColumnKey, read: CellRead<T>, required = columnSpec(key).required): Read<T> {
    if (!read.ok) {
      this.error(key, read.reason);
      return undefined;
    }
    if (read.value === null && required) {
      this.error(key, this.layout.indexOf.has(key) ? 'required; the cell is empty' : 'required; the column is missing');
      return undefined;
    }
    return read.value;
  }
}
