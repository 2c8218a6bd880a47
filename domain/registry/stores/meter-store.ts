/** Meters (计量设施): the device at an intake, identified on MQTT by meterId. */
import { z } from 'zod';
import { type Db, type DbTransaction, withActor } from '../../../platform/db/database.ts';
import { divisionPrefix } from '../divisions.ts';
import { divisionCode, type Meter, type MeterInput, recordId } from '../schemas.ts';
import { meterStatus, readingMode } from '../vocabulary.ts';
import { meterFromRow } from '../rows.ts';
import { listPage } from '../../../platform/db/paging.ts';
import type { RegistryStore } from './registry-store.ts';

export const meterFilter = z.object({
  intakeId: recordId.optional(),
  divisionCode: divisionCode.optional().describe('Meters of intakes inside this division'),
  meterId: z.string().optional().describe('The id used on MQTT'),
  readingMode: readingMode.schema.optional(),
  status: meterStatus.schema.optional(),
});
export type MeterFilter = z.infer<typeof meterFilter>;


export function meterToRow(input: MeterInput) {
  return {
    meter_id: input.meterId,
    intake_id: input.intakeId,
    meter_type: input.meterType,
    reading_mode: input.readingMode,
    accuracy_class: input.accuracyClass,
    diameter_mm: input.diameterMm,
    register_max_m3: input.registerMaxM3,
    reporting_interval_s: input.reportingIntervalS,
    installed_on: input.installedOn,
    last_calibrated_on: input.lastCalibratedOn,
    calibration_interval_months: input.calibrationIntervalMonths,
    status: input.status,
  };
}

export { meterFromRow };

export async function insertMeter(trx: DbTransaction, input: MeterInput): Promise<Meter> {
  const row = await trx.insertInto('meters').values(meterToRow(input)).returningAll().executeTakeFirstOrThrow();
  return meterFromRow(row);
}

export function meterStore(db: Db): RegistryStore<MeterInput, Meter, MeterFilter> {
  const filtered = (f: MeterFilter) => {
    let q = db.selectFrom('meters');
    if (f.intakeId) q = q.where('intake_id', '=', f.intakeId);
    if (f.divisionCode) {
      const prefix = `${divisionPrefix(f.divisionCode)}%`;
      q = q.where('intake_id', 'in', db.selectFrom('intakes').select('id').where('county_code', 'like', prefix));
    }
    if (f.meterId) q = q.where('meter_id', '=', f.meterId);
    if (f.readingMode) q = q.where('reading_mode', '=', f.readingMode);
    if (f.status) q = q.where('status', '=', f.status);
    return q;
  };
  return {
    kind: 'meter',
    list: (filter, page) => listPage(filtered(filter), (q) => q.selectAll().orderBy('id').execute(), meterFromRow, page),
    async get(id) {
      const row = await db.selectFrom('meters').selectAll().where('id', '=', id).executeTakeFirst();
      return row && meterFromRow(row);
    },
    create: (input, actor) => withActor(db, actor, (trx) => insertMeter(trx, input)),
    async update(id, input, actor) {
      const row = await withActor(db, actor, (trx) =>
        trx.updateTable('meters').set(meterToRow(input)).where('id', '=', id).returningAll().executeTakeFirst(),
      );
      return row && meterFromRow(row);
    },
    async retire(id, actor) {
      const row = await withActor(db, actor, (trx) =>
        trx.updateTable('meters').set({ status: 'retired' }).where('id', '=', id).returningAll().executeTakeFirst(),
      );
      return row && meterFromRow(row);
    },
    async countyOf(meter) {
      const row = await db.selectFrom('intakes').select('county_code').where('id', '=', meter.intakeId).executeTakeFirstOrThrow();
      return row.county_code;
    },
  };
}
