/** Intakes (取水口): the registry's central record, one per off-stream withdrawal point. */
import { z } from 'zod';
import type { Db } from '../../../platform/db/database.ts';
import { divisionPrefix } from '../divisions.ts';
import { divisionCode, type Intake, type IntakeInput, recordId } from '../schemas.ts';
import { intakeKind, registryStatus, sourceType, waterUse } from '../vocabulary.ts';
import { intakeFromRow } from '../rows.ts';
import { type RegistryStore, tableStore } from './table-store.ts';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const intakeFilter = z.object({
  divisionCode: divisionCode.optional().describe('Province, city or county: intakes inside it'),
  unitId: recordId.optional(),
  sourceType: sourceType.schema.optional(),
  waterUse: waterUse.schema.optional(),
  intakeKind: intakeKind.schema.optional(),
  status: registryStatus.schema.optional(),
  confidential: flag.optional(),
  q: z.string().min(1).max(100).optional().describe('Part of the code or the name'),
});
export type IntakeFilter = z.infer<typeof intakeFilter>;

export function intakeToRow(input: IntakeInput) {
  return {
    code: input.code,
    name: input.name,
    county_code: input.countyCode,
    unit_id: input.unitId,
    longitude: input.longitude,
    latitude: input.latitude,
    source_type: input.sourceType,
    non_conventional_kind: input.nonConventionalKind,
    source_name: input.sourceName,
    water_use: input.waterUse,
    intake_kind: input.intakeKind,
    well_diameter_mm: input.wellDiameterMm,
    bundled_small_irrigation: input.bundledSmallIrrigation,
    confidential: input.confidential,
    permit_exempt: input.permitExempt,
    status: input.status,
  };
}

export function intakeStore(db: Db): RegistryStore<IntakeInput, Intake, IntakeFilter> {
  return tableStore(db, {
    kind: 'intake',
    table: 'intakes',
    placement: { by: 'county', confidentialColumn: true },
    retiredStatus: 'retired',
    from: (d) => d.selectFrom('intakes').selectAll(),
    filter(q, f) {
      if (f.divisionCode) q = q.where('county_code', 'like', `${divisionPrefix(f.divisionCode)}%`);
      if (f.unitId) q = q.where('unit_id', '=', f.unitId);
      if (f.sourceType) q = q.where('source_type', '=', f.sourceType);
      if (f.waterUse) q = q.where('water_use', '=', f.waterUse);
      if (f.intakeKind) q = q.where('intake_kind', '=', f.intakeKind);
      if (f.status) q = q.where('status', '=', f.status);
      if (f.confidential !== undefined) q = q.where('confidential', '=', f.confidential);
      if (f.q) {
        const like = `%${f.q.replace(/[%_\\]/g, '\\$&')}%`;
        q = q.where((eb) => eb.or([eb('code', 'ilike', like), eb('name', 'ilike', like)]));
      }
      return q;
    },
    fromRow: intakeFromRow,
    toRow: intakeToRow,
    placeOf: (i) => ({ countyCode: i.countyCode, confidential: i.confidential }),
  });
}
