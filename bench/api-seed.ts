/**
 * bench:api's data, written with generate_series in a few statements (a row at a time would take
 * longer than the benchmark): intakes spread over the province's counties with a permit each,
 * ledger items in every status with two events each, and a year of daily accounts per intake.
 */
import { sql } from 'kysely';
import { type Db, withActor } from '../platform/db/database.ts';

export interface SeedSize {
  intakes: number;
  items: number;
  /** The year of daily accounts, e.g. 2026. */
  year: number;
}

const STATUSES = ['raised', 'confirmed', 'rectifying', 'rectified', 'closed', 'dismissed'];
const RULES = ['meter-silent', 'daily-over-limit', 'stuck-register', 'no-permit'];

export async function seedApiBench(db: Db, s: SeedSize, log: (line: string) => void): Promise<{ counties: string[] }> {
  const counties = (await db.selectFrom('divisions').select('code').where('level', '=', 'county').orderBy('code').execute()).map(
    (r) => r.code,
  );
  const step = async (what: string, work: () => Promise<unknown>) => {
    const t0 = performance.now();
    await work();
    log(`${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  await withActor(db, 'bench:api', async (trx) => {
    await step('units', () =>
      sql`
      insert into withdrawal_units (name, kind, county_code)
      select '用水户 ' || c, 'person', c from unnest(${sql.val(counties)}::text[]) c`.execute(trx),
    );
    await step(`${s.intakes} intakes`, () =>
      sql`
      insert into intakes (code, name, county_code, unit_id, longitude, latitude, source_type, water_use, intake_kind)
      select 'B-' || g, '取水口 ' || g, u.county_code, u.id, 122 + (g % 1000) * 0.006, 41 + (g / 1000) * 0.2, 'river', 'industrial', 'pump_station'
      from generate_series(0, ${s.intakes - 1}) g
      join (select id, county_code, row_number() over (order by county_code) - 1 as k from withdrawal_units) u on u.k = g % ${counties.length}`.execute(
        trx,
      ),
    );
    await step('permits', () =>
      sql`
      insert into permits (permit_number, intake_id, issuing_level, valid_from, valid_to, annual_volume_m3, monthly_plan_m3, daily_limit_m3)
      select 'BP-' || id, id, 'county', '2020-01-01', '2099-12-31', 400000, array_fill(33000::numeric, array[12]), 1500 from intakes`.execute(
        trx,
      ),
    );
  });
  await step(`${s.items} ledger items`, () =>
    sql`
    insert into ledger_items (kind, rule, intake_id, county_code, subject, status, summary, evidence, window_start, window_end,
                              first_detected_at, dismissal_reason, measures, responsible_unit, responsible_person, deadline)
    select 'item', (${sql.val(RULES)}::text[])[1 + g % ${RULES.length}], i.id, i.county_code, 'S-' || g,
           (${sql.val(STATUSES)}::text[])[1 + (g / ${counties.length}) % ${STATUSES.length}], '计量设施无数据 ' || g, jsonb_build_object('silentDays', g % 9),
           make_date(${s.year}, 1, 1) + (g % 300), make_date(${s.year}, 1, 1) + (g % 300) + 3,
           make_date(${s.year}, 1, 1) + (g % 300), '误报', '更换流量计', '某水务公司', '李四', make_date(${s.year}, 1, 1) + (g % 300) + 30
    from generate_series(0, ${s.items - 1}) g join intakes i on i.id = (select min(id) from intakes) + g % ${s.intakes}`.execute(db),
  );
  await step('ledger events', () =>
    sql`
    insert into ledger_events (item_id, at, actor, action, from_status, to_status, note, data)
    select id, first_detected_at, 'monitor', 'raised', null, 'raised', null, evidence from ledger_items
    union all
    select id, first_detected_at + interval '1 day', 'user:bench', 'confirmed', 'raised', 'confirmed', '现场核实', null from ledger_items where status <> 'raised'`.execute(
      db,
    ),
  );
  await step(`a year of daily accounts (${s.intakes} × 365)`, () =>
    sql`
    insert into daily_accounts (intake_id, day, volume_m3, status, expected_reports, received_reports, completeness, coverage)
    select i.id, d::date, case when (i.id + extract(doy from d)::int) % 50 = 0 then null else 800 + (i.id % 400) end,
           case when (i.id + extract(doy from d)::int) % 50 = 0 then 'missing' else 'measured' end,
           96, case when (i.id + extract(doy from d)::int) % 50 = 0 then 0 else 96 end,
           case when (i.id + extract(doy from d)::int) % 50 = 0 then 0 else 1 end, 1
    from intakes i cross join generate_series(make_date(${s.year}, 1, 1), make_date(${s.year}, 12, 31), interval '1 day') d`.execute(db),
  );
  // Vacuum sets the hint bits and visibility map of the fresh rows and checkpoint writes them out,
  // so the load does not pay for that on its first reads (as a settled database would not).
  await step('vacuum analyze, checkpoint', async () => {
    await sql`vacuum (analyze)`.execute(db);
    await sql`checkpoint`.execute(db);
  });
  return { counties };
}
