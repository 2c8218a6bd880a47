/**
 * Grafana's views (migration 0008) catch up with the ledger's escalation and the level-by-level
 * submissions (migrations 0010 and 0011; issue 19's escalated count and monthly submissions):
 *
 * - grafana.ledger_items gains overdue_marked_at, escalated_level and escalated_at. The view is
 *   replaced in place (`create or replace`, the new columns appended), so its grants and the
 *   view grafana.ledger_events built on it stay as they are.
 * - grafana.ledger_daily_changes: what the daily escalation changed, per day and item, for the
 *   items grafana.ledger_items shows (none of a confidential intake).
 * - grafana.submissions: who submitted what, when, due when, and its review's outcome. Without
 *   the snapshot (the frozen report) and the review note: both are text a reviewer or a report
 *   wrote, and Grafana needs the counts, states and dates only. A submission belongs to a
 *   division, not to an intake, so no row is left out.
 *
 * Grants: the init script (deploy/postgres/initdb/10-grafana-reader.sh) sets default privileges so
 * that views the migrations' owner makes later are readable by Grafana's login. A database set up
 * before that script, and fixed by hand as dashboards/README.md says, has the grant on the
 * existing views only; so every role that may read grafana.intakes is granted the new views too.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
comment on schema grafana is 'Views for Grafana: no confidential intake, nor anything of one (migrations 0008, 0013)';

create or replace view grafana.ledger_items with (security_barrier) as
select l.* from public.ledger_items l left join public.intakes i on i.id = l.intake_id
where not coalesce(i.confidential, false);

create or replace view grafana.ledger_daily_changes with (security_barrier) as
select c.day, c.item_id, c.change, c.county_code, c.at
from public.ledger_daily_changes c join grafana.ledger_items l on l.id = c.item_id;

create or replace view grafana.submissions as
select s.id, s.kind, s.period, s.division_code, s.level, s.to_division_code, s.status,
       s.submitted_at, s.due_on, s.reviewed_at
from public.submissions s;

do $grants$
declare
  reader text;
begin
  for reader in
    select r.rolname from pg_class c cross join lateral aclexplode(c.relacl) a join pg_roles r on r.oid = a.grantee
    where c.oid = 'grafana.intakes'::regclass and a.privilege_type = 'SELECT' and a.grantee <> c.relowner
  loop
    execute format('grant select on grafana.ledger_daily_changes, grafana.submissions to %I', reader);
  end loop;
end
$grants$;
`.execute(db);
}

/** Back to migration 0008's views: ledger_items (and ledger_events on it) without the 0010 columns. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
drop view grafana.submissions, grafana.ledger_daily_changes, grafana.ledger_events, grafana.ledger_items;

create view grafana.ledger_items with (security_barrier) as
select l.id, l.kind, l.rule, l.intake_id, l.county_code, l.subject, l.status, l.summary, l.evidence, l.window_start,
       l.window_end, l.first_detected_at, l.last_detected_at, l.detections, l.condition_cleared_at, l.previous_item_id,
       l.dismissal_reason, l.measures, l.responsible_unit, l.responsible_person, l.deadline, l.rectification_evidence,
       l.created_at, l.updated_at, l.fingerprint
from public.ledger_items l left join public.intakes i on i.id = l.intake_id
where not coalesce(i.confidential, false);

create view grafana.ledger_events with (security_barrier) as
select e.* from public.ledger_events e join grafana.ledger_items l on l.id = e.item_id;
`.execute(db);
}
