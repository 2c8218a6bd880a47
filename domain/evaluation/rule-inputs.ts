/**
 * Fetches the rules engine's input (domain/rules/types.ts IntakeRuleInput) for many intakes at
 * once: registry rows from PostgreSQL, period sums of the stored accounts in one SQL aggregate,
 * and each meter's last reading and last status from InfluxDB in one InfluxQL round trip.
 */
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { InfluxReader } from '../../platform/influx/readings-reader.ts';
import { intakeFromRow, meterFromRow, permitFromRow } from '../registry/index.ts';
import { FIELD, MEASUREMENT, TAG } from '../telemetry/index.ts';
import type { DailyAccount } from '../accounts/index.ts';
import { intakeCondition } from '../accounts/index.ts';
import type { IntakeRuleInput, MeterConnection, MeterReadings, PeriodUsage } from '../rules/index.ts';

const LOOKBACK = '400d';

/** meterId -> last reading time and last online/offline status. */
async function meterContacts(
  influx: InfluxReader,
  intakeIds: readonly string[],
): Promise<Map<string, { lastReadingMs: number | null; connection: MeterConnection | null }>> {
  const where = `${intakeCondition(intakeIds)} AND time > now() - ${LOOKBACK}`;
  const [last = [], status = []] = await influx.query(
    `SELECT last("${FIELD.totalM3}") FROM "${MEASUREMENT.readings}" WHERE ${where} GROUP BY "${TAG.meter}"; ` +
      `SELECT last("${FIELD.online}") FROM "${MEASUREMENT.meterStatus}" WHERE ${where} GROUP BY "${TAG.meter}"`,
  );
  const out = new Map<string, { lastReadingMs: number | null; connection: MeterConnection | null }>();
  const entry = (meterId: string) => {
    let e = out.get(meterId);
    if (!e) out.set(meterId, (e = { lastReadingMs: null, connection: null }));
    return e;
  };
  for (const s of last) {
    const meterId = s.tags?.[TAG.meter];
    const ts = s.values[0]?.[0];
    if (meterId && typeof ts === 'number') entry(meterId).lastReadingMs = ts;
  }
  for (const s of status) {
    const meterId = s.tags?.[TAG.meter];
    const [ts, online] = s.values[0] ?? [];
    if (meterId && typeof ts === 'number') entry(meterId).connection = { state: online === true ? 'online' : 'offline', sinceMs: ts };
  }
  return out;
}

/** Year and month sums through `day` of the stored accounts, per intake. */
async function periodUsage(db: Db, intakeIds: readonly string[], day: string): Promise<Map<string, PeriodUsage[]>> {
  const year = day.slice(0, 4);
  const month = day.slice(0, 7);
  const rows = await sql<{
    intake_id: string;
    period: string;
    volume: string | null;
    missing: string;
    expected: string | null;
    complete: string | null;
  }>`
    select intake_id::text, p.period,
           sum(volume_m3) as volume, count(*) filter (where status = 'missing') as missing,
           sum(expected_reports) as expected, sum(completeness * expected_reports) as complete
    from daily_accounts
    cross join lateral (values (${year}), (${month})) as p(period)
    where intake_id = any(${intakeIds.map(Number)}::bigint[])
      and day >= (case when length(p.period) = 4 then (p.period || '-01-01') else (p.period || '-01') end)::date
      and day <= ${day}::date
    group by intake_id, p.period`.execute(db);
  const out = new Map<string, PeriodUsage[]>();
  for (const r of rows.rows) {
    const usage: PeriodUsage = {
      period: r.period,
      throughDay: day,
      volumeM3: Number(r.volume ?? 0),
      missingDays: Number(r.missing),
      expectedReports: Number(r.expected ?? 0),
      completeReports: Number(r.complete ?? 0),
    };
    out.set(r.intake_id, [...(out.get(r.intake_id) ?? []), usage]);
  }
  return out;
}

export interface RuleInputRequest {
  intakeIds: readonly string[];
  /** Accounts of the evaluated days per intake (empty for a registry sweep). */
  accounts: ReadonlyMap<string, readonly DailyAccount[]>;
  /** The day the period sums run through (the latest evaluated day). */
  throughDay: string;
  /** The evaluated days' readings per intake, for the rate and hours rules; null: not evaluated. */
  readings: ReadonlyMap<string, readonly MeterReadings[]> | null;
}

export async function fetchRuleInputs(db: Db, influx: InfluxReader, req: RuleInputRequest): Promise<IntakeRuleInput[]> {
  const ids = req.intakeIds;
  if (ids.length === 0) return [];
  const [intakes, permits, meters, periods, contacts] = await Promise.all([
    db.selectFrom('intakes').selectAll().where('id', 'in', ids).execute(),
    db.selectFrom('permits').selectAll().where('intake_id', 'in', ids).execute(),
    db.selectFrom('meters').selectAll().where('intake_id', 'in', ids).execute(),
    periodUsage(db, ids, req.throughDay),
    meterContacts(influx, ids),
  ]);
  return intakes.map((row) => ({
    intake: intakeFromRow(row),
    permits: permits.filter((p) => p.intake_id === row.id).map(permitFromRow),
    meters: meters
      .filter((m) => m.intake_id === row.id)
      .map((m) => ({ ...meterFromRow(m), ...(contacts.get(m.meter_id) ?? { lastReadingMs: null, connection: null }) })),
    accounts: req.accounts.get(row.id) ?? [],
    periods: periods.get(row.id) ?? [],
    readings: req.readings ? (req.readings.get(row.id) ?? []) : null,
  }));
}
