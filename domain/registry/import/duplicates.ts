/**
 * "No duplicate, no omission": the same intake code or permit number twice in one file is an error;
 * two intakes of the same unit within a short distance of each other are a suspected duplicate
 * (often the same works registered twice under different codes), which a person must confirm.
 */
import type { ColumnKey, ColumnLayout } from './columns.ts';
import type { ImportError, SuspectedDuplicate } from './types.ts';
import type { CheckedRow, Position } from './validate.ts';

/** An active registered intake of a unit that the file's rows belong to. */
export interface RegisteredIntake {
  id: string;
  code: string;
  position: Position;
}

/** Reports the second and later rows that repeat an intake code or a permit number of an earlier row. */
export function findRepeatedIdentifiers(rows: readonly CheckedRow[], layout: ColumnLayout): ImportError[] {
  return [
    ...findRepeated(rows, layout, 'code', (r) => r.code, 'intake code'),
    ...findRepeated(rows, layout, 'permitNumber', (r) => r.permitNumber, 'permit number'),
  ];
}

function findRepeated(
  rows: readonly CheckedRow[],
  layout: ColumnLayout,
  column: ColumnKey,
  valueOf: (row: CheckedRow) => string | null,
  what: string,
): ImportError[] {
  const firstRowOf = new Map<string, number>();
  const errors: ImportError[] = [];
  for (const row of rows) {
    const value = valueOf(row);
    if (value === null) continue;
    const first = firstRowOf.get(value);
    if (first === undefined) firstRowOf.set(value, row.row);
    else {
      const reason = `duplicate: ${what} ${value} is also on row ${first}`;
      errors.push({ row: row.row, column: layout.headerOf(column), reason });
    }
  }
  return errors;
}

const EARTH_RADIUS_M = 6_371_008.8; // mean radius (IUGG)
const METRES_PER_DEGREE_LATITUDE = (Math.PI / 180) * EARTH_RADIUS_M;

/** Great-circle distance in metres (haversine formula). */
export function haversineM(a: Position, b: Position): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

const roundDistance = (m: number): number => Math.round(m * 10) / 10;

/**
 * For each row, the nearest earlier row of the same unit and the nearest registered active intake
 * of that unit, when within `maxDistanceM`. One entry per row and kind keeps the list readable when
 * many rows share a point (a bundle registered at the village's coordinates).
 */
export function findSuspectedDuplicates(
  rows: readonly CheckedRow[],
  registeredByUnitKey: ReadonlyMap<string, readonly RegisteredIntake[]>,
  maxDistanceM: number,
): SuspectedDuplicate[] {
  const byUnit = new Map<string, { row: number; position: Position }[]>();
  for (const r of rows) {
    if (r.unitKey === null || r.position === null) continue;
    const list = byUnit.get(r.unitKey) ?? [];
    list.push({ row: r.row, position: r.position });
    byUnit.set(r.unitKey, list);
  }
  const found: SuspectedDuplicate[] = [];
  for (const [unitKey, points] of byUnit) {
    found.push(...nearestEarlierRows(points, maxDistanceM));
    for (const p of points) {
      let nearest: { intake: RegisteredIntake; distanceM: number } | null = null;
      for (const intake of registeredByUnitKey.get(unitKey) ?? []) {
        const distanceM = haversineM(p.position, intake.position);
        if (distanceM > maxDistanceM) continue;
        if (nearest === null || distanceM < nearest.distanceM) nearest = { intake, distanceM };
      }
      if (nearest) {
        found.push({
          row: p.row,
          existingIntakeId: nearest.intake.id,
          existingIntakeCode: nearest.intake.code,
          distanceM: roundDistance(nearest.distanceM),
        });
      }
    }
  }
  return found.sort((a, b) => a.row - b.row);
}

/** Sweep by latitude so only points within the distance's latitude band are compared. */
function nearestEarlierRows(points: readonly { row: number; position: Position }[], maxDistanceM: number): SuspectedDuplicate[] {
  const band = maxDistanceM / METRES_PER_DEGREE_LATITUDE;
  const sorted = [...points].sort((a, b) => a.position.latitude - b.position.latitude);
  const nearest = new Map<number, { otherRow: number; distanceM: number }>();
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i];
    if (!a) continue;
    for (let j = i + 1; j < sorted.length; j++) {
      const b = sorted[j];
      if (!b || b.position.latitude - a.position.latitude > band) break;
      const distanceM = haversineM(a.position, b.position);
      if (distanceM > maxDistanceM) continue;
      const [later, earlier] = a.row > b.row ? [a, b] : [b, a];
      const known = nearest.get(later.row);
      if (!known || distanceM < known.distanceM || (distanceM === known.distanceM && earlier.row < known.otherRow)) {
        nearest.set(later.row, { otherRow: earlier.row, distanceM });
      }
    }
  }
  return [...nearest].map(([row, n]) => ({ row, otherRow: n.otherRow, distanceM: roundDistance(n.distanceM) }));
}
