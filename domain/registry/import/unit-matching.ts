/**
 * Withdrawing units across rows. The form repeats the unit on each of its intakes; rows with the
 * same credit code, or (persons, no code) the same name in the same county, are one unit, and
 * their unit cells must agree. An empty contact cell means "not stated", not a different value.
 */
import type { UnitInput } from '../schemas.ts';
import type { ColumnKey, ColumnLayout } from './columns.ts';
import type { ImportError } from './types.ts';
import type { CheckedRow } from './validate.ts';

/** The identity of a unit: its credit code, or its name and county when it has none. */
export function unitKeyOf(unit: { name: string; creditCode: string | null | undefined; countyCode: string | null | undefined }): string {
  const creditCode = unit.creditCode?.trim().toUpperCase();
  return creditCode ? `credit:${creditCode}` : `name:${unit.name.trim()}@${unit.countyCode ?? ''}`;
}

export function describeUnitKey(key: string): string {
  if (key.startsWith('credit:')) return `credit code ${key.slice('credit:'.length)}`;
  const [name = '', county = ''] = key.slice('name:'.length).split('@');
  return `"${name}" in county ${county}`;
}

/** One unit of the file: its record as first stated (contacts filled from later rows) and its rows. */
export interface UnitGroup {
  key: string;
  unit: UnitInput;
  firstRow: number;
  rows: number[];
  /** The row that stated each compared field (a contact may come from a later row). */
  statedOn: Partial<Record<ComparedField, number>>;
}

type ComparedField = 'name' | 'kind' | 'contactPerson' | 'contactPhone';
const COMPARED: readonly { field: ComparedField; column: ColumnKey }[] = [
  { field: 'name', column: 'unitName' },
  { field: 'kind', column: 'unitKind' },
  { field: 'contactPerson', column: 'contactPerson' },
  { field: 'contactPhone', column: 'contactPhone' },
];

/** Groups valid rows by unit and reports every row whose unit cells contradict an earlier row's. */
export function groupUnits(rows: readonly CheckedRow[], layout: ColumnLayout): { groups: Map<string, UnitGroup>; errors: ImportError[] } {
  const groups = new Map<string, UnitGroup>();
  const errors: ImportError[] = [];
  for (const row of rows) {
    if (row.unit === null || row.unitKey === null) continue;
    const group = groups.get(row.unitKey);
    if (!group) {
      const group: UnitGroup = { key: row.unitKey, unit: { ...row.unit }, firstRow: row.row, rows: [row.row], statedOn: {} };
      groups.set(row.unitKey, group);
      continue;
    }
    group.rows.push(row.row);
    for (const { field, column } of COMPARED) {
      const first = group.unit[field];
      const here = row.unit[field];
      if (here === null) continue;
      if (first === null) {
        // Contacts given on a later row complete the unit.
        group.unit = { ...group.unit, [field]: here };
        group.statedOn[field] = row.row;
      } else if (first !== here) {
        const otherRow = group.statedOn[field] ?? group.firstRow;
        const reason = `same unit (${describeUnitKey(row.unitKey)}) as row ${otherRow}, which says "${first}", not "${here}"`;
        errors.push({ row: row.row, column: layout.headerOf(column), reason });
      }
    }
  }
  return { groups, errors };
}
