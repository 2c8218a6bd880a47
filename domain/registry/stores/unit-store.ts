/** Withdrawal units (取水单位): the organisation or person that withdraws the water. */
import { z } from 'zod';
import type { Db } from '../../../platform/db/database.ts';
import type { UnitRow } from '../../../platform/db/schema.ts';
import { divisionPrefix } from '../divisions.ts';
import { divisionCode, type Unit, type UnitInput } from '../schemas.ts';
import { registryStatus, unitKind } from '../vocabulary.ts';
import { type RegistryStore, tableStore } from './table-store.ts';
import { toIso } from '../rows.ts';

export const unitFilter = z.object({
  divisionCode: divisionCode.optional().describe('Province, city or county: units inside it'),
  kind: unitKind.schema.optional(),
  status: registryStatus.schema.optional(),
  creditCode: z.string().optional(),
  q: z.string().min(1).max(100).optional().describe('Part of the name'),
});
export type UnitFilter = z.infer<typeof unitFilter>;

function fromRow(row: UnitRow): Unit {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    creditCode: row.credit_code,
    countyCode: row.county_code,
    contactPerson: row.contact_person,
    contactPhone: row.contact_phone,
    status: row.status,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

function toRow(input: UnitInput) {
  return {
    name: input.name,
    kind: input.kind,
    credit_code: input.creditCode,
    county_code: input.countyCode,
    contact_person: input.contactPerson,
    contact_phone: input.contactPhone,
    status: input.status,
  };
}

export function unitStore(db: Db): RegistryStore<UnitInput, Unit, UnitFilter> {
  return tableStore(db, {
    kind: 'unit',
    table: 'withdrawal_units',
    placement: { by: 'county', confidentialColumn: false },
    retiredStatus: 'retired',
    from: (d) => d.selectFrom('withdrawal_units').selectAll(),
    filter(q, f) {
      if (f.divisionCode) q = q.where('county_code', 'like', `${divisionPrefix(f.divisionCode)}%`);
      if (f.kind) q = q.where('kind', '=', f.kind);
      if (f.status) q = q.where('status', '=', f.status);
      if (f.creditCode) q = q.where('credit_code', '=', f.creditCode.toUpperCase());
      if (f.q) q = q.where('name', 'ilike', `%${f.q.replace(/[%_\\]/g, '\\$&')}%`);
      return q;
    },
    fromRow: fromRow,
    toRow: toRow,
    placeOf: (u) => ({ countyCode: u.countyCode, confidential: false }),
  });
}
