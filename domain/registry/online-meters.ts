/**
 * The registry's read interface for the meter simulators: every active online meter at an active
 * intake, with the intake's water use and its current permit (valid status, today inside its
 * validity, latest start first). A meter whose intake has no current permit gets annualVolumeM3
 * null: it withdraws without one, which the monitor should flag.
 */
import type { Db } from '../../platform/db/database.ts';
import { localDay } from '../../platform/local-time.ts';
import { divisionPrefix } from './divisions.ts';
import { waterUse } from './vocabulary.ts';

export interface OnlineMeter {
  meterId: string;
  /** The intake's registry code. */
  intakeCode: string;
  waterUse: (typeof waterUse.values)[number];
  /** Permitted annual volume of the intake's current permit; null when it has no valid permit. */
  annualVolumeM3: number | null;
  /** The permit's maximum withdrawal rate; null when the permit sets none. */
  maxRateM3h: number | null;
  /** Where the totalizer wraps to zero; null when the registry does not record it. */
  registerMaxM3: number | null;
  /** The registered reporting interval in seconds; null when the registry does not record it. */
  reportingIntervalS: number | null;
}

export interface OnlineMeterOptions {
  /** The local date whose permits count (default today, Asia/Shanghai). */
  onDate?: string;
  /** Only intakes in this division (6-digit code; a city or province code covers its counties). */
  divisionCode?: string;
}

export async function listOnlineMeters(db: Db, options: OnlineMeterOptions = {}): Promise<OnlineMeter[]> {
  const onDate = options.onDate ?? localDay(Date.now());
  let query = db
    .selectFrom('meters as m')
    .innerJoin('intakes as i', 'i.id', 'm.intake_id')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('permits as p')
          .select(['p.annual_volume_m3', 'p.max_rate_m3h'])
          .whereRef('p.intake_id', '=', 'i.id')
          .where('p.status', '=', 'valid')
          .where('p.valid_from', '<=', onDate)
          .where('p.valid_to', '>=', onDate)
          .orderBy('p.valid_from', 'desc')
          .limit(1)
          .as('permit'),
      (join) => join.onTrue(),
    )
    .select([
      'm.meter_id',
      'm.register_max_m3',
      'm.reporting_interval_s',
      'i.code as intake_code',
      'i.water_use',
      'permit.annual_volume_m3',
      'permit.max_rate_m3h',
    ])
    .where('m.status', '=', 'active')
    .where('m.reading_mode', '=', 'online')
    .where('i.status', '=', 'active');
  if (options.divisionCode) {
    query = query.where('i.county_code', 'like', `${divisionPrefix(options.divisionCode)}%`);
  }
  const rows = await query.orderBy('m.meter_id').execute();
  return rows.map((row) => ({
    meterId: row.meter_id,
    intakeCode: row.intake_code,
    waterUse: waterUse.schema.parse(row.water_use),
    annualVolumeM3: numberOrNull(row.annual_volume_m3),
    maxRateM3h: numberOrNull(row.max_rate_m3h),
    registerMaxM3: numberOrNull(row.register_max_m3),
    reportingIntervalS: row.reporting_interval_s || null,
  }));
}

/** pg returns numeric as text; a permit's volumes are well inside a double's exact range. */
function numberOrNull(value: string | null): number | null {
  return value === null ? null : Number(value);
}
