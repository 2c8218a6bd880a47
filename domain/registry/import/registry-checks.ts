/**
 * Checks of the file against what is already registered: counties exist and lie in the province,
 * intake codes and permit numbers are new, and units already registered are found (by credit code,
 * or by name and county for those without one) so their new intakes attach to them.
 * Reads only; apply.ts rechecks by the database's unique constraints inside its transaction.
 */
import { sql } from 'kysely';
import type { Db } from '../../../platform/db/database.ts';
import { divisionPrefix } from '../divisions.ts';
import { divisionCode } from '../schemas.ts';
import type { ColumnLayout } from './columns.ts';
import type { RegisteredIntake } from './duplicates.ts';
import type { ImportError } from './types.ts';
import { describeUnitKey, unitKeyOf, type UnitGroup } from './unit-matching.ts';
import type { CheckedRow } from './validate.ts';

export interface RegistryFindings {
  errors: ImportError[];
  /** Unit key -> id of the registered unit that the key's rows attach to. */
  registeredUnitIds: Map<string, string>;
  /** Unit key -> that unit's active registered intakes (for the distance check). */
  registeredIntakes: Map<string, RegisteredIntake[]>;
}

export async function checkAgainstRegistry(
  db: Db,
  rows: readonly CheckedRow[],
  units: ReadonlyMap<string, UnitGroup>,
  layout: ColumnLayout,
  provinceCode: string,
  scopeDivisionCode?: string,
): Promise<RegistryFindings> {
  const errors = [
    ...(await checkCounties(db, rows, layout, provinceCode, scopeDivisionCode)),
    ...(await checkIntakeCodes(db, rows, layout)),
    ...(await checkPermitNumbers(db, rows, layout)),
  ];
  const { registeredUnitIds, errors: unitErrors } = await findRegisteredUnits(db, units, layout);
  errors.push(...unitErrors);
  const registeredIntakes = await findRegisteredIntakes(db, registeredUnitIds);
  return { errors, registeredUnitIds, registeredIntakes };
}

const distinct = (values: readonly (string | null)[]): string[] => [...new Set(values.filter((v) => v !== null))];

async function checkCounties(
  db: Db,
  rows: readonly CheckedRow[],
  layout: ColumnLayout,
  provinceCode: string,
  scopeDivisionCode: string | undefined,
): Promise<ImportError[]> {
  const codes = distinct(rows.map((r) => r.countyCode)).filter((c) => divisionCode.safeParse(c).success);
  if (codes.length === 0) return [];
  // Two levels up reach the province from a county under a city, or directly for a county under the province.
  const found = await db
    .selectFrom('divisions as d')
    .leftJoin('divisions as p', 'p.code', 'd.parent_code')
    .select(['d.code', 'd.name', 'd.level', 'p.level as parentLevel', 'p.code as parentCode'])
    .select('p.parent_code as grandparentCode')
    .where(sql<boolean>`d.code = any(${codes}::text[])`)
    .execute();
  const problemOf = new Map<string, string>();
  for (const code of codes) {
    const d = found.find((f) => f.code === code);
    if (!d) problemOf.set(code, `unknown division code ${code}`);
    else if (d.level !== 'county') problemOf.set(code, `${code} (${d.name}) is a ${d.level}, not a county`);
    else {
      const province = d.parentLevel === 'province' ? d.parentCode : d.grandparentCode;
      if (province !== provinceCode) problemOf.set(code, `county ${code} (${d.name}) is not in province ${provinceCode}`);
      else if (scopeDivisionCode && !code.startsWith(divisionPrefix(scopeDivisionCode)))
        problemOf.set(code, `county ${code} (${d.name}) is outside your division ${scopeDivisionCode}`);
    }
  }
  return rows.flatMap((r) => {
    const reason = r.countyCode === null ? undefined : problemOf.get(r.countyCode);
    return reason ? [{ row: r.row, column: layout.headerOf('countyCode'), reason }] : [];
  });
}

async function checkIntakeCodes(db: Db, rows: readonly CheckedRow[], layout: ColumnLayout): Promise<ImportError[]> {
  const codes = distinct(rows.map((r) => r.code));
  if (codes.length === 0) return [];
  const registered = await db
    .selectFrom('intakes')
    .select(['id', 'code'])
    .where(sql<boolean>`code = any(${codes}::text[])`)
    .execute();
  const idOf = new Map(registered.map((i) => [i.code, i.id]));
  return rows.flatMap((r) => {
    const id = r.code === null ? undefined : idOf.get(r.code);
    if (id === undefined) return [];
    const reason = `duplicate: intake code ${r.code ?? ''} already registered as intake id ${id}`;
    return [{ row: r.row, column: layout.headerOf('code'), reason }];
  });
}

async function checkPermitNumbers(db: Db, rows: readonly CheckedRow[], layout: ColumnLayout): Promise<ImportError[]> {
  const numbers = distinct(rows.map((r) => r.permitNumber));
  if (numbers.length === 0) return [];
  const registered = await db
    .selectFrom('permits')
    .select(['id', 'permit_number', 'intake_id'])
    .where(sql<boolean>`permit_number = any(${numbers}::text[])`)
    .execute();
  const permitOf = new Map(registered.map((p) => [p.permit_number, p]));
  return rows.flatMap((r) => {
    const permit = r.permitNumber === null ? undefined : permitOf.get(r.permitNumber);
    if (permit === undefined) return [];
    const reason =
      `duplicate: permit number ${permit.permit_number} already registered as permit id ${permit.id} ` + `(intake id ${permit.intake_id})`;
    return [{ row: r.row, column: layout.headerOf('permitNumber'), reason }];
  });
}

async function findRegisteredUnits(
  db: Db,
  units: ReadonlyMap<string, UnitGroup>,
  layout: ColumnLayout,
): Promise<{ registeredUnitIds: Map<string, string>; errors: ImportError[] }> {
  const registeredUnitIds = new Map<string, string>();
  const errors: ImportError[] = [];
  const groups = [...units.values()];
  const rowErrors = (group: UnitGroup, reason: string): ImportError[] =>
    group.rows.map((row) => ({ row, column: layout.headerOf('unitName'), reason }));

  const creditCodes = distinct(groups.map((g) => g.unit.creditCode));
  if (creditCodes.length > 0) {
    const registered = await db
      .selectFrom('withdrawal_units')
      .select(['id', 'name', 'credit_code'])
      .where(sql<boolean>`credit_code = any(${creditCodes}::text[])`)
      .execute();
    const unitOfCode = new Map(registered.map((u) => [u.credit_code, u]));
    for (const group of groups) {
      const unit = group.unit.creditCode === null ? undefined : unitOfCode.get(group.unit.creditCode);
      if (!unit) continue;
      if (unit.name.trim() !== group.unit.name) {
        const registeredAs = `unit "${unit.name}" (unit id ${unit.id})`;
        errors.push(
          ...rowErrors(group, `credit code ${group.unit.creditCode ?? ''} is registered to ${registeredAs}; the name must match`),
        );
      } else {
        registeredUnitIds.set(group.key, unit.id);
      }
    }
  }

  const withoutCreditCode = groups.filter((g) => g.unit.creditCode === null);
  if (withoutCreditCode.length > 0) {
    const registered = await db
      .selectFrom('withdrawal_units')
      .select(['id', 'name', 'county_code'])
      .where('credit_code', 'is', null)
      .where(sql<boolean>`name = any(${distinct(withoutCreditCode.map((g) => g.unit.name))}::text[])`)
      .orderBy('id')
      .execute();
    const unitsOfKey = new Map<string, typeof registered>();
    for (const u of registered) {
      const key = unitKeyOf({ name: u.name, creditCode: null, countyCode: u.county_code });
      const list = unitsOfKey.get(key) ?? [];
      list.push(u);
      unitsOfKey.set(key, list);
    }
    for (const group of withoutCreditCode) {
      const matches = unitsOfKey.get(group.key) ?? [];
      const [only, ...others] = matches;
      if (!only) continue;
      if (others.length > 0) {
        errors.push(
          ...rowErrors(
            group,
            `${matches.length} units ${describeUnitKey(group.key)} without a credit code are registered ` +
              `(unit ids ${matches.map((u) => u.id).join(', ')}); cannot tell which one this row means`,
          ),
        );
      } else {
        registeredUnitIds.set(group.key, only.id);
      }
    }
  }
  return { registeredUnitIds, errors };
}

async function findRegisteredIntakes(db: Db, registeredUnitIds: ReadonlyMap<string, string>): Promise<Map<string, RegisteredIntake[]>> {
  const byUnitKey = new Map<string, RegisteredIntake[]>();
  const unitIds = [...new Set(registeredUnitIds.values())];
  if (unitIds.length === 0) return byUnitKey;
  const intakes = await db
    .selectFrom('intakes')
    .select(['id', 'code', 'unit_id', 'longitude', 'latitude'])
    .where(sql<boolean>`unit_id = any(${unitIds}::bigint[])`)
    .where('status', '=', 'active')
    .execute();
  const byUnitId = new Map<string, RegisteredIntake[]>();
  for (const i of intakes) {
    const intake = { id: i.id, code: i.code, position: { longitude: Number(i.longitude), latitude: Number(i.latitude) } };
    const list = byUnitId.get(i.unit_id) ?? [];
    list.push(intake);
    byUnitId.set(i.unit_id, list);
  }
  for (const [key, unitId] of registeredUnitIds) byUnitKey.set(key, byUnitId.get(unitId) ?? []);
  return byUnitKey;
}
