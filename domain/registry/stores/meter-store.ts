/** Meters (计量设施): the device at an intake, identified on MQTT by meterId. */
import { z } from 'zod';
import { type Db, type DbTransaction } from '../../../platform/db/database.ts';
import { divisionPrefix } from '../divisions.ts';
import { divisionCode, type Meter, type MeterInput, recordId } from '../schemas.ts';
import { meterStatus, readingMode } from '../vocabulary.ts';
import { meterFromRow } from '../rows.ts';
import { type RegistryStore, tableStore } from './table-store.ts';

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
  return tableStore(db, {
    kind: 'meter',
    table: 'meters',
    placement: { by: 'intake' },
    retiredStatus: 'retired',
    from: (d) => d.selectFrom('meters').selectAll(),
    filter(q, f) {
      if (f.intakeId) q = q.where('intake_id', '=', f.intakeId);
      if (f.divisionCode) {
        const prefix = `${divisionPrefix(f.divisionCode)}%`;
        q = q.where('intake_id', 'in', db.selectFrom('intakes').select('id').where('county_code', 'like', prefix));
      }
      if (f.meterId) q = q.where('meter_id', '=', f.meterId);
      if (f.readingMode) q = q.where('reading_mode', '=', f.readingMode);
      if (f.status) q = q.where('status', '=', f.status);
      return q;
    },
    fromRow: meterFromRow,
    toRow: meterToRow,
    placeOf: (m) => ({ intakeId: m.intakeId }),
  });
}
