/** Withdrawal units (取水单位): the organisation or person that withdraws the water. */
import { z } from 'zod';
import { type Db, withActor } from '../../../platform/db/database.ts';
import type { UnitRow } from '../../../platform/db/schema.ts';
import { divisionPrefix } from '../divisions.ts';
import { divisionCode, type Unit, type UnitInput } from '../schemas.ts';
import { registryStatus, unitKind } from '../vocabulary.ts';
import { listPage } from '../../../platform/db/paging.ts';
import type { RegistryStore } from './registry-store.ts';
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
  const filtered = (f: UnitFilter) => {
    let q = db.selectFrom('withdrawal_units');
    if (f.divisionCode) q = q.where('county_code', 'like', `${divisionPrefix(f.divisionCode)}%`);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.status) q = q.where('status', '=', f.status);
    if (f.creditCode) q = q.where('credit_code', '=', f.creditCode.toUpperCase());
    if (f.q) q = q.where('name', 'ilike', `%${f.q.replace(/[%_\\]/g, '\\$&')}%`);
    return q;
  };
  return {
    kind: 'unit',
    list: (filter, page) => listPage(filtered(filter), (q) => q.selectAll().orderBy('id').execute(), fromRow, page),
    async get(id) {
      const row = await db.selectFrom('withdrawal_units').selectAll().where('id', '=', id).executeTakeFirst();
      return row && fromRow(row);
    },
    async create(input, actor) {
      const row = await withActor(db, actor, (trx) =>
        trx.insertInto('withdrawal_units').values(toRow(input)).returningAll().executeTakeFirstOrThrow(),
      );
      return fromRow(row);
    },
    async update(id, input, actor) {
      const row = await withActor(db, actor, (trx) =>
        trx.updateTable('withdrawal_units').set(toRow(input)).where('id', '=', id).returningAll().executeTakeFirst(),
      );
      return row && fromRow(row);
    },
    async retire(id, actor) {
      const row = await withActor(db, actor, (trx) =>
        trx.updateTable('withdrawal_units').set({ status: 'retired' }).where('id', '=', id).returningAll().executeTakeFirst(),
      );
      return row && fromRow(row);
    },
    countyOf: (unit) => Promise.resolve(unit.countyCode),
  };
}
