/**
 * The daily escalation (issue 18; docs/ledger.md, "Escalation"): items whose deadline has passed
 * while the rectification is still owed are recorded overdue (an `overdue` event, once per item),
 * and moved up a level: a county's item to its city's queue when it becomes overdue (or
 * `escalateToCityAfterDays` after the deadline), to the province's queue after a further
 * `escalateToProvinceAfterDays` (rules file, "ledger"). A city's own item goes to the province
 * after the same total. What changed is kept per day in ledger_daily_changes and can be read back.
 *
 * Each step is one statement that updates, writes the events and the day's rows together, and
 * selects only rows not yet changed: running the job twice on a day, or two processes at once,
 * changes each item once. A day the job did not run is caught up by the next run, because every
 * condition is judged from the deadline, not from the previous run.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db, DbTransaction } from '../../platform/db/database.ts';
import type { Principal } from '../access/index.ts';
import { localToday, OVERDUE_LIST } from './overdue.ts';
import { ledgerId } from './schemas.ts';
import { scopePrefix, visibleItems } from './scope.ts';
import { DEFAULT_LEDGER_WORKFLOW, type LedgerWorkflowOptions } from './workflow-options.ts';

export const ESCALATION_ACTOR = 'system:escalation';

export interface EscalationCounts {
  day: string;
  overdue: number;
  escalatedToCity: number;
  escalatedToProvince: number;
}

type Change = 'overdue' | 'escalated_city' | 'escalated_province';

/** Updates the rows `where` selects with `set`, writes their events and the day's changes; returns how many. */
async function step(
  trx: DbTransaction,
  o: {
    today: string;
    now: Date;
    actor: string;
    change: Change;
    set: ReturnType<typeof sql>;
    where: ReturnType<typeof sql>;
    note: ReturnType<typeof sql>;
    data: ReturnType<typeof sql>;
  },
): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    with changed as (
      update ledger_items set ${o.set}
      where kind = 'item' and status in (${OVERDUE_LIST}) and deadline < ${o.today}::date and ${o.where}
      returning id, county_code, status, deadline, escalated_level
    ), events as (
      insert into ledger_events (item_id, at, actor, action, from_status, to_status, note, data)
      select id, ${o.now}, ${o.actor}, ${o.change === 'overdue' ? 'overdue' : 'escalated'}, status, status, ${o.note}, ${o.data}
      from changed order by id
    ), days as (
      insert into ledger_daily_changes (day, item_id, change, county_code, at)
      select ${o.today}::date, id, ${o.change}, county_code, ${o.now} from changed
      on conflict do nothing
    )
    select count(*) as n from changed`.execute(trx);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Runs the day's escalation as of `now` (its local date in Asia/Shanghai is the day). Returns what
 * changed; the same is kept in ledger_daily_changes.
 */
export async function runDailyEscalation(
  db: Db,
  o: { now: Date; workflow?: LedgerWorkflowOptions; actor?: string },
): Promise<EscalationCounts> {
  const w = o.workflow ?? DEFAULT_LEDGER_WORKFLOW;
  const today = localToday(o.now);
  const actor = o.actor ?? ESCALATION_ACTOR;
  const base = { today, now: o.now, actor };
  const toCity = w.escalateToCityAfterDays;
  const toProvince = w.escalateToCityAfterDays + w.escalateToProvinceAfterDays;
  return db.transaction().execute(async (trx) => {
    const overdue = await step(trx, {
      ...base,
      change: 'overdue',
      set: sql`overdue_marked_at = ${o.now}`,
      where: sql`overdue_marked_at is null`,
      note: sql`'deadline ' || deadline || ' passed'`,
      data: sql`jsonb_build_object('deadline', deadline)`,
    });
    const escalatedToCity = await step(trx, {
      ...base,
      change: 'escalated_city',
      set: sql`escalated_level = 'city', escalated_at = ${o.now}`,
      // Only a county's item goes to a city; right(code, 2) <> '00' is a county code.
      where: sql`escalated_level is null and right(county_code, 2) <> '00' and deadline + ${toCity}::int < ${today}::date`,
      note: sql`'overdue since ' || (deadline + 1) || '; escalated to the city'`,
      data: sql`jsonb_build_object('level', 'city', 'deadline', deadline)`,
    });
    const escalatedToProvince = await step(trx, {
      ...base,
      change: 'escalated_province',
      set: sql`escalated_level = 'province', escalated_at = ${o.now}`,
      where: sql`(escalated_level = 'city' or (escalated_level is null and right(county_code, 2) = '00' and right(county_code, 4) <> '0000'))
                 and deadline + ${toProvince}::int < ${today}::date`,
      note: sql`'overdue since ' || (deadline + 1) || '; escalated to the province'`,
      data: sql`jsonb_build_object('level', 'province', 'deadline', deadline)`,
    });
    return { day: today, overdue, escalatedToCity, escalatedToProvince };
  });
}

export const escalationSummaryQuery = z
  .object({
    from: z.iso.date().describe('First day (local date)'),
    to: z.iso.date().describe('Last day (local date), inclusive'),
  })
  .refine((q) => q.from <= q.to, { path: ['to'], error: 'must not be before from' })
  .meta({ examples: [{ from: '2026-06-01', to: '2026-06-30' }] });

export const escalationDay = z.object({
  day: z.iso.date(),
  overdue: z.array(ledgerId).describe('Items recorded overdue that day'),
  escalatedToCity: z.array(ledgerId),
  escalatedToProvince: z.array(ledgerId),
});
export type EscalationDay = z.infer<typeof escalationDay>;

/**
 * What became overdue or escalated each day of [from, to], among the items the principal may see
 * (days without changes are left out). Throws a ZodError for a bad range.
 */
export async function escalationSummary(db: Db, p: Principal, query: z.input<typeof escalationSummaryQuery>): Promise<EscalationDay[]> {
  const q = escalationSummaryQuery.parse(query);
  const prefix = scopePrefix(p);
  if (prefix === null) return [];
  const rows = await db
    .selectFrom('ledger_daily_changes as c')
    .innerJoin('ledger_items', 'ledger_items.id', 'c.item_id')
    .select(['c.day', 'c.change', 'c.item_id'])
    .where('c.day', '>=', q.from)
    .where('c.day', '<=', q.to)
    .where((eb) => visibleItems(eb, p, prefix))
    .orderBy('c.day')
    .orderBy('c.item_id')
    .execute();
  const days = new Map<string, EscalationDay>();
  for (const r of rows) {
    let d = days.get(r.day);
    if (!d) days.set(r.day, (d = { day: r.day, overdue: [], escalatedToCity: [], escalatedToProvince: [] }));
    (r.change === 'overdue' ? d.overdue : r.change === 'escalated_city' ? d.escalatedToCity : d.escalatedToProvince).push(r.item_id);
  }
  return [...days.values()];
}
