/**
 * Generates the monthly progress reports (domain/reports/monthly-report.ts) for a month: figures
 * per county from daily_accounts, intakes and the ledger, summed up to each city and the province
 * (every figure is additive: an intake and an item belong to one county). Written in one
 * transaction; a report generated again for the same month replaces the earlier one.
 */
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { localDayStart } from '../../platform/local-time.ts';
import type { MonthlyReportFigures } from './monthly-report.ts';
import { TERMINAL_LIST } from '../ledger/index.ts';
import { OVERDUE_LIST } from '../ledger/index.ts';
import { localDayEnd, periodBounds } from '../../platform/local-time.ts';

type Counts = Omit<MonthlyReportFigures, 'month' | 'divisionCode' | 'level' | 'basis'> & { expected: number; received: number };

const num = (v: string | number | null | undefined) => Number(v ?? 0);

function emptyCounts(): Counts {
  return {
    intakes: { active: 0, accounted: 0, withMissingDays: 0 },
    withdrawal: { volumeM3: 0, accountedDays: 0, missingDays: 0, partialDays: 0, completeness: null },
    ledger: { itemsRaised: 0, noticesRaised: 0, raisedByRule: {}, closed: 0, dismissed: 0, openItems: 0, overdueItems: 0 },
    expected: 0,
    received: 0,
  };
}

function addInto(into: Counts, c: Counts): void {
  for (const k of ['active', 'accounted', 'withMissingDays'] as const) into.intakes[k] += c.intakes[k];
  for (const k of ['volumeM3', 'accountedDays', 'missingDays', 'partialDays'] as const) into.withdrawal[k] += c.withdrawal[k];
  for (const k of ['itemsRaised', 'noticesRaised', 'closed', 'dismissed', 'openItems', 'overdueItems'] as const)
    into.ledger[k] += c.ledger[k];
  for (const [rule, n] of Object.entries(c.ledger.raisedByRule)) into.ledger.raisedByRule[rule] = (into.ledger.raisedByRule[rule] ?? 0) + n;
  into.expected += c.expected;
  into.received += c.received;
}

/** The first and last local day of a month (YYYY-MM), and the instants that bound it. */
export function monthSpan(month: string): { firstDay: string; lastDay: string; fromMs: number; toMs: number } {
  const bounds = periodBounds(month);
  if (bounds?.kind !== 'month') throw new RangeError(`not a month (YYYY-MM): ${month}`);
  return { firstDay: bounds.firstDay, lastDay: bounds.lastDay, fromMs: localDayStart(bounds.firstDay), toMs: localDayEnd(bounds.lastDay) };
}

/** Rows of `alias` (a table with intake_id) whose intake is not confidential (an unregistered meter's are kept). */
const publicIntake = (alias: string) =>
  sql<boolean>`not exists (select 1 from intakes c where c.id = ${sql.ref(`${alias}.intake_id`)} and c.confidential)`;

/** `publicOnly`: leave confidential intakes out (the figures for readers without the clearance). */
async function countyCounts(db: Db, month: string, publicOnly = false): Promise<Map<string, Counts>> {
  const { firstDay, lastDay, fromMs, toMs } = monthSpan(month);
  const [from, to] = [new Date(fromMs), new Date(toMs)];
  const onlyPublic = (alias: string) => (publicOnly ? sql`and ${publicIntake(alias)}` : sql``);
  const [active, accounts, raised, moved, open] = await Promise.all([
    db
      .selectFrom('intakes')
      .select(['county_code', (eb) => eb.fn.countAll<string>().as('n')])
      .where('status', '=', 'active')
      .$if(publicOnly, (q) => q.where('confidential', '=', false))
      .groupBy('county_code')
      .execute(),
    sql<{
      county_code: string;
      accounted: string;
      with_missing: string;
      volume: string | null;
      days: string;
      missing: string;
      partial: string;
      expected: string | null;
      received: string | null;
    }>`
      select county_code, count(*) as accounted, count(*) filter (where missing > 0) as with_missing, sum(volume) as volume,
             sum(days) as days, sum(missing) as missing, sum(partial) as partial, sum(expected) as expected, sum(received) as received
      from (select i.county_code, a.intake_id, sum(a.volume_m3) as volume, count(*) as days,
                   count(*) filter (where a.status = 'missing') as missing, count(*) filter (where a.status = 'partial') as partial,
                   sum(a.expected_reports) as expected, sum(a.completeness * a.expected_reports) as received
            from daily_accounts a join intakes i on i.id = a.intake_id
            where a.day between ${firstDay}::date and ${lastDay}::date ${publicOnly ? sql`and not i.confidential` : sql``}
            group by i.county_code, a.intake_id) per_intake
      group by county_code`.execute(db),
    db
      .selectFrom('ledger_items')
      .select(['county_code', 'kind', 'rule', (eb) => eb.fn.countAll<string>().as('n')])
      .where('first_detected_at', '>=', from)
      .where('first_detected_at', '<', to)
      .$if(publicOnly, (q) => q.where(publicIntake('ledger_items')))
      .groupBy(['county_code', 'kind', 'rule'])
      .execute(),
    db
      .selectFrom('ledger_events as e')
      .innerJoin('ledger_items as i', 'i.id', 'e.item_id')
      // Items, not events: an item closed, reopened and closed again in the month counts once.
      .select(['i.county_code', 'e.action', (eb) => eb.fn.count<string>('e.item_id').distinct().as('n')])
      .where('i.kind', '=', 'item')
      .where('e.action', 'in', ['closed', 'dismissed'])
      .where('e.at', '>=', from)
      .where('e.at', '<', to)
      .$if(publicOnly, (q) => q.where(publicIntake('i')))
      .groupBy(['i.county_code', 'e.action'])
      .execute(),
    // Each item's status when the month ended: the last event before then (every event records
    // the status it left the item in). Overdue as the ledger defines it (domain/ledger/overdue.ts):
    // confirmed or rectifying past the deadline.
    sql<{ county_code: string; open: string; overdue: string }>`
      select i.county_code,
             count(*) filter (where s.status not in (${TERMINAL_LIST})) as open,
             count(*) filter (where s.status in (${OVERDUE_LIST}) and i.deadline <= ${lastDay}::date) as overdue
      from (select distinct on (e.item_id) e.item_id, e.to_status as status
            from ledger_events e join ledger_items i on i.id = e.item_id
            where i.kind = 'item' and i.first_detected_at < ${to} and e.at < ${to} and e.to_status is not null ${onlyPublic('i')}
            order by e.item_id, e.at desc, e.id desc) s
      join ledger_items i on i.id = s.item_id
      group by i.county_code`.execute(db),
  ]);
  const out = new Map<string, Counts>();
  const of = (county: string) => {
    let c = out.get(county);
    if (!c) out.set(county, (c = emptyCounts()));
    return c;
  };
  for (const r of active) of(r.county_code).intakes.active = num(r.n);
  for (const r of accounts.rows) {
    const c = of(r.county_code);
    c.intakes.accounted = num(r.accounted);
    c.intakes.withMissingDays = num(r.with_missing);
    c.withdrawal = {
      volumeM3: num(r.volume),
      accountedDays: num(r.days),
      missingDays: num(r.missing),
      partialDays: num(r.partial),
      completeness: null,
    };
    c.expected = num(r.expected);
    c.received = num(r.received);
  }
  for (const r of raised) {
    const c = of(r.county_code);
    if (r.kind === 'item') c.ledger.itemsRaised += num(r.n);
    else c.ledger.noticesRaised += num(r.n);
    c.ledger.raisedByRule[r.rule] = (c.ledger.raisedByRule[r.rule] ?? 0) + num(r.n);
  }
  for (const r of moved) of(r.county_code).ledger[r.action === 'closed' ? 'closed' : 'dismissed'] = num(r.n);
  for (const r of open.rows) {
    const c = of(r.county_code);
    c.ledger.openItems = num(r.open);
    c.ledger.overdueItems = num(r.overdue);
  }
  return out;
}

/**
 * Generates (or regenerates) every division's report for `month` (YYYY-MM); returns how many were
 * written. Each report is kept twice: with every intake (for readers with the clearance) and
 * without confidential intakes (public_figures: for everyone else, and for submissions).
 */
export async function generateMonthlyReports(db: Db, month: string, now: Date = new Date()): Promise<number> {
  const { firstDay, lastDay } = monthSpan(month);
  const [divisions, byCounty, byCountyPublic] = await Promise.all([
    db.selectFrom('divisions').select(['code', 'level', 'parent_code']).execute(),
    countyCounts(db, month),
    countyCounts(db, month, true),
  ]);
  const divisionOf = new Map(divisions.map((d) => [d.code, d]));
  const sumUp = (perCounty: Map<string, Counts>) => {
    const totals = new Map<string, Counts>();
    for (const [county, counts] of perCounty) {
      // The county, its city, the province: each gets the county's figures added.
      for (let code: string | null | undefined = county; code; code = divisionOf.get(code)?.parent_code) {
        let t = totals.get(code);
        if (!t) totals.set(code, (t = emptyCounts()));
        addInto(t, counts);
      }
    }
    return totals;
  };
  const totals = sumUp(byCounty);
  const publicTotals = sumUp(byCountyPublic);
  const basis = {
    firstDay,
    lastDay,
    accounts: "daily_accounts of the division's intakes, firstDay..lastDay",
    items:
      "ledger_items of the division's counties first detected in the month; ledger_events for closures and for each item's status at the month's end",
    generatedAt: now.toISOString(),
  } as const;
  const reportOf = (code: string, level: MonthlyReportFigures['level'], t: Counts): MonthlyReportFigures => {
    const { expected, received, ...figures } = t;
    return {
      month,
      divisionCode: code,
      level,
      basis,
      ...figures,
      withdrawal: {
        ...figures.withdrawal,
        volumeM3: Math.round(figures.withdrawal.volumeM3 * 1000) / 1000,
        completeness: expected > 0 ? received / expected : null,
      },
    };
  };
  const rows = [...totals].flatMap(([code, t]) => {
    const level = divisionOf.get(code)?.level;
    if (!level) return [];
    const publicReport = reportOf(code, level, publicTotals.get(code) ?? emptyCounts());
    return [
      {
        month,
        division_code: code,
        level,
        figures: JSON.stringify(reportOf(code, level, t)),
        public_figures: JSON.stringify(publicReport),
        generated_at: now,
      },
    ];
  });
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('monthly_reports').where('month', '=', month).execute();
    for (let i = 0; i < rows.length; i += 1000)
      await trx
        .insertInto('monthly_reports')
        .values(rows.slice(i, i + 1000))
        .execute();
  });
  return rows.length;
}
