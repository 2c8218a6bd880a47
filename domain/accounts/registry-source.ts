/** What accounting needs from the registry for a set of intakes: meter attributes and replacements. */
import type { Db } from '../../platform/db/database.ts';
import { localDayStart } from '../../platform/local-time.ts';
import type { MeterAttributes, MeterReplacement } from './index.ts';

export interface IntakeMeters {
  meters: MeterAttributes[];
  replacements: MeterReplacement[];
}

export async function fetchIntakeMeters(db: Db, intakeIds: readonly string[]): Promise<Map<string, IntakeMeters>> {
  const out = new Map<string, IntakeMeters>(intakeIds.map((id) => [id, { meters: [], replacements: [] }]));
  if (intakeIds.length === 0) return out;
  const meters = await db
    .selectFrom('meters')
    .leftJoin('meter_replacements as r', 'r.new_meter_id', 'meters.id')
    .select([
      'meters.id',
      'meters.intake_id',
      'meters.meter_id',
      'meters.reporting_interval_s',
      'meters.register_max_m3',
      'meters.installed_on',
      'meters.reading_mode',
      'r.id as replacement_id',
    ])
    .where('meters.intake_id', 'in', intakeIds)
    .where('meters.reading_mode', '=', 'online')
    .execute();
  const maxRates = await db
    .selectFrom('permits')
    .select(['intake_id', (eb) => eb.fn.max('max_rate_m3h').as('max_rate')])
    .where('intake_id', 'in', intakeIds)
    .groupBy('intake_id')
    .execute();
  const maxRate = new Map(maxRates.map((r) => [r.intake_id, r.max_rate === null ? null : Number(r.max_rate)]));
  for (const m of meters) {
    out.get(m.intake_id)?.meters.push({
      meterId: m.meter_id,
      reportingIntervalS: m.reporting_interval_s,
      registerMaxM3: m.register_max_m3 === null ? null : Number(m.register_max_m3),
      maxPlausibleFlowM3h: maxRate.get(m.intake_id) ?? null,
      // A meter that took over by a registered replacement starts at the replacement instead.
      inServiceFromMs: m.replacement_id === null ? localDayStart(m.installed_on) : null,
    });
  }
  const replacements = await db
    .selectFrom('meter_replacements as r')
    .innerJoin('meters as o', 'o.id', 'r.old_meter_id')
    .innerJoin('meters as n', 'n.id', 'r.new_meter_id')
    .select([
      'n.intake_id',
      'o.meter_id as old_meter',
      'n.meter_id as new_meter',
      'r.replaced_at',
      'r.old_final_total_m3',
      'r.new_initial_total_m3',
    ])
    .where('n.intake_id', 'in', intakeIds)
    .execute();
  for (const r of replacements) {
    out.get(r.intake_id)?.replacements.push({
      oldMeterId: r.old_meter,
      newMeterId: r.new_meter,
      replacedAtMs: r.replaced_at.getTime(),
      oldFinalTotalM3: Number(r.old_final_total_m3),
      newInitialTotalM3: Number(r.new_initial_total_m3),
    });
  }
  return out;
}
