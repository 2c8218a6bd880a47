/**
 * What Grafana may read (issue 17 item 5, issue 19): the schema `grafana`, views over the tables
 * that leave out every confidential intake (intakes.confidential, brief section 1: their results
 * travel only through the confidential channel) and whatever belongs to one: its permits, meters,
 * accounts, ledger entries and events, and the rejected messages of its meters. Grafana's role is
 * granted this schema alone (deploy/postgres/initdb/10-grafana-reader.sh), never the tables.
 *
 * The views run with their owner's rights, so the role needs no grant on the tables beneath;
 * security_barrier keeps a caller's own functions from seeing rows before the filter does. The
 * init script may already have made the schema (it runs before the first migration).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create schema if not exists grafana;
comment on schema grafana is 'Views for Grafana: no confidential intake, nor anything of one (migration 0010)';

create view grafana.divisions as
select code, name, level, parent_code from public.divisions;

create view grafana.intakes with (security_barrier) as
select id, code, name, county_code, unit_id, longitude, latitude, source_type, non_conventional_kind, source_name,
       water_use, intake_kind, well_diameter_mm, bundled_small_irrigation, permit_exempt, status, created_at, updated_at
from public.intakes
where not confidential;

create view grafana.permits with (security_barrier) as
select p.* from public.permits p join public.intakes i on i.id = p.intake_id where not i.confidential;

create view grafana.meters with (security_barrier) as
select m.* from public.meters m join public.intakes i on i.id = m.intake_id where not i.confidential;

create view grafana.daily_accounts with (security_barrier) as
select a.* from public.daily_accounts a join public.intakes i on i.id = a.intake_id where not i.confidential;

create view grafana.intake_period_totals with (security_barrier) as
select t.* from public.intake_period_totals t join public.intakes i on i.id = t.intake_id where not i.confidential;

-- Entries without an intake (unregistered meters) belong to no confidential intake: kept.
create view grafana.ledger_items with (security_barrier) as
select l.* from public.ledger_items l left join public.intakes i on i.id = l.intake_id
where not coalesce(i.confidential, false);

create view grafana.ledger_events with (security_barrier) as
select e.* from public.ledger_events e join grafana.ledger_items l on l.id = e.item_id;

-- Without the payload: Grafana shows reasons and counts, not what a meter sent.
create view grafana.ingest_rejections with (security_barrier) as
select r.id, r.received_at, r.topic, r.meter_id, r.reason_code, r.reason, r.payload_bytes, r.recorded_at
from public.ingest_rejections r
where not exists (select 1 from public.meters m join public.intakes i on i.id = m.intake_id
                  where m.meter_id = r.meter_id and i.confidential);
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
drop view grafana.ingest_rejections, grafana.ledger_events, grafana.ledger_items, grafana.intake_period_totals,
  grafana.daily_accounts, grafana.meters, grafana.permits, grafana.intakes, grafana.divisions`.execute(db);
}
