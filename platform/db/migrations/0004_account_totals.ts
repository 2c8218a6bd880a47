/**
 * Monthly and yearly totals of the daily accounts, per intake and per division (county, city,
 * province), as views: always in step with daily_accounts, traceable to its rows. A missing day
 * adds nothing to the volume and is counted, so a total with missing days reads as a lower bound.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create view intake_period_totals as
select a.intake_id, p.period_kind, p.period_start,
       sum(a.volume_m3) as volume_m3,
       count(*) as days_accounted,
       count(*) filter (where a.status = 'missing') as missing_days,
       count(*) filter (where a.status = 'partial') as partial_days,
       sum(a.completeness * a.expected_reports) / nullif(sum(a.expected_reports), 0) as completeness
from daily_accounts a
cross join lateral (values ('month', date_trunc('month', a.day)::date), ('year', date_trunc('year', a.day)::date))
  as p(period_kind, period_start)
group by a.intake_id, p.period_kind, p.period_start;

create view division_period_totals as
with per_intake as (
  select t.*, i.county_code, d.parent_code as city_code
  from intake_period_totals t
  join intakes i on i.id = t.intake_id
  join divisions d on d.code = i.county_code
)
select coalesce(county_code, city_code, (select code from divisions where level = 'province' limit 1)) as division_code,
       case when county_code is not null then 'county' when city_code is not null then 'city' else 'province' end as level,
       period_kind, period_start,
       sum(volume_m3) as volume_m3,
       count(distinct intake_id) as intakes,
       sum(missing_days) as missing_days,
       sum(partial_days) as partial_days
from per_intake
group by grouping sets ((county_code, city_code, period_kind, period_start), (city_code, period_kind, period_start), (period_kind, period_start));
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop view division_period_totals; drop view intake_period_totals`.execute(db);
}
