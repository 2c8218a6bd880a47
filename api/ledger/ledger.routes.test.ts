/**
 * The ledger read over HTTP: filters, cursor paging across a few thousand entries while entries
 * change between pages (no row skipped or repeated), the count, and the daily escalation over a
 * simulated month read back through the API summary.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDailyEscalation, transitionItem } from '../../domain/ledger/index.ts';
import { finding, raise, registeredIntake } from '../../domain/ledger/testing/fixtures.ts';
import { addDays, localDayStart } from '../../platform/local-time.ts';
import { useTestDatabase } from '../../test/database.ts';
import { registerMeters } from '../../test/fixtures/registry.ts';
import { type Caller, callerOf, signedIn, testApp } from '../testing/app.ts';

const testDb = useTestDatabase();
let app: FastifyInstance;
let county: Caller;
let city: Caller;
let otherCity: Caller;

interface Page {
  items: { id: string; status: string; countyCode: string; rule: string }[];
  nextCursor: string | null;
}

const ITEMS = 3000;

/** ITEMS entries in county 220102 over 30 intakes, every fourth one confirmed, in one statement. */
async function seedMany(): Promise<void> {
  const meters = await registerMeters(testDb.db, { count: 30, prefix: 'PG', countyCode: '220102' });
  const ids = meters.map((m) => Number(m.intakeId));
  await sql`
    insert into ledger_items (kind, rule, intake_id, county_code, subject, status, summary, evidence, window_start, window_end)
    select 'item', case when g % 3 = 0 then 'meter-silent' else 'daily-over-limit' end, (${sql.val(ids)}::bigint[])[1 + g % 30], '220102',
           'S-' || g, case when g % 4 = 0 then 'confirmed' else 'raised' end, '分页测试 ' || g, '{}'::jsonb, now() - interval '1 day', now()
    from generate_series(1, ${ITEMS}) g`.execute(testDb.db);
}

beforeAll(async () => {
  app = await testApp(testDb.db);
  county = callerOf(app, await signedIn(testDb.db, { divisionCode: '220102', role: 'staff', confidential: false }));
  city = callerOf(app, await signedIn(testDb.db, { divisionCode: '220100', role: 'staff', confidential: false }));
  otherCity = callerOf(app, await signedIn(testDb.db, { divisionCode: '220200', role: 'staff', confidential: false }));
  await seedMany();
});
afterAll(() => app.close());

describe('the ledger list', () => {
  it('pages through thousands of entries by cursor with no row skipped or repeated while entries change', async () => {
    const filter = 'status=raised,confirmed&rule=daily-over-limit&limit=170';
    const before = await testDb.db
      .selectFrom('ledger_items')
      .select('id')
      .where('rule', '=', 'daily-over-limit')
      .where('status', 'in', ['raised', 'confirmed'])
      .execute();
    const seen: string[] = [];
    const leaving = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await county(`/v1/ledger/items?${filter}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const page = res.json<Page>();
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      pages++;
      // Between pages: some rows not yet seen leave the filter, some change within it, new ones arrive.
      const ahead = await testDb.db
        .selectFrom('ledger_items')
        .select(['id', 'status'])
        .where('rule', '=', 'daily-over-limit')
        .where('status', '=', 'raised')
        .where('id', '<', page.items.at(-1)?.id ?? '0')
        .orderBy('id', 'desc')
        .limit(6)
        .execute();
      const [gone, moved] = [ahead.slice(0, 2), ahead.slice(2, 4)];
      for (const g of gone) leaving.add(g.id);
      if (gone.length > 0)
        await testDb.db
          .updateTable('ledger_items')
          .set({ status: 'dismissed', dismissal_reason: '测试' })
          .where(
            'id',
            'in',
            gone.map((g) => g.id),
          )
          .execute();
      if (moved.length > 0)
        await testDb.db
          .updateTable('ledger_items')
          .set({ status: 'confirmed' })
          .where(
            'id',
            'in',
            moved.map((m) => m.id),
          )
          .execute();
      await raise(
        testDb.db,
        finding(await registeredIntake(testDb.db, `PGN${pages}`), { rule: 'daily-over-limit', subject: `new-${pages}` }),
      );
    } while (cursor !== null);
    expect(pages).toBeGreaterThan(10);
    expect(new Set(seen).size).toBe(seen.length);
    const throughout = before.map((r) => r.id).filter((id) => !leaving.has(id));
    expect(seen.filter((id) => !leaving.has(id)).sort()).toEqual(throughout.sort());
    // Newest first, by id.
    expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => b - a));
  });

  it('filters by division, rule, status, kind, text and intake, and counts the same', async () => {
    const list = async (caller: Caller, q: string) => (await caller(`/v1/ledger/items?${q}`)).json<Page>();
    const total = async (caller: Caller, q: string) => (await caller(`/v1/ledger/count?${q}`)).json<{ total: number }>().total;
    const silent = await total(county, 'rule=meter-silent');
    expect(silent).toBe(
      await testDb.db
        .selectFrom('ledger_items')
        .select('id')
        .where('rule', '=', 'meter-silent')
        .execute()
        .then((r) => r.length),
    );
    expect((await list(county, 'rule=meter-silent&limit=5')).items.every((i) => i.rule === 'meter-silent')).toBe(true);
    expect((await list(county, 'status=confirmed&limit=500')).items.every((i) => i.status === 'confirmed')).toBe(true);
    expect(await total(city, 'division=220102')).toBe(await total(county, ''));
    // A division outside the caller's: nothing (not an error); the other city sees none of it.
    expect(await total(county, 'division=220202')).toBe(0);
    expect(await total(otherCity, '')).toBe(0);
    expect((await list(county, 'q=分页测试 2999')).items).toHaveLength(1);
    expect((await list(county, 'q=%25&limit=1')).items).toHaveLength(0);
    expect(await total(county, 'kind=notice')).toBe(0);
    const bad = await county('/v1/ledger/items?cursor=AAAA');
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect((await county('/v1/ledger/items?status=open')).statusCode).toBe(400);
  });
});

describe('the daily escalation through the API summary', () => {
  it('records a month of overdue and escalated items per day, scoped to the caller', async () => {
    const db = testDb.db;
    const rectifying = async (prefix: string, deadline: string, countyCode: string) => {
      const id = await raise(db, finding(await registeredIntake(db, prefix), { countyCode, subject: prefix }));
      await transitionItem(db, id, 'confirm', 'user:test', {});
      await transitionItem(db, id, 'startRectifying', 'user:test', {
        measures: '整改',
        responsibleUnit: '单位',
        responsiblePerson: '张三',
        deadline,
      });
      return id;
    };
    const late = await rectifying('ES-A', '2026-06-05', '220102');
    const fixed = await rectifying('ES-B', '2026-06-10', '220102');
    const elsewhere = await rectifying('ES-C', '2026-06-07', '220202');
    const workflow = { closeNeedsUpperLevel: true, escalateToCityAfterDays: 0, escalateToProvinceAfterDays: 10 };
    for (let d = '2026-06-01'; d <= '2026-06-30'; d = addDays(d, 1)) {
      if (d === '2026-06-09') await transitionItem(db, fixed, 'markRectified', 'user:test', { evidence: '已整改' });
      await runDailyEscalation(db, { now: new Date(localDayStart(d) + 30 * 60_000), workflow });
    }
    const summary = await county('/v1/ledger/escalations?from=2026-06-01&to=2026-06-30');
    expect(summary.statusCode).toBe(200);
    expect(summary.json()).toEqual({
      from: '2026-06-01',
      to: '2026-06-30',
      days: [
        { day: '2026-06-06', overdue: [late], escalatedToCity: [late], escalatedToProvince: [] },
        { day: '2026-06-16', overdue: [], escalatedToCity: [], escalatedToProvince: [late] },
      ],
      totals: { overdue: 1, escalatedToCity: 1, escalatedToProvince: 1 },
    });
    const other = (await otherCity('/v1/ledger/escalations?from=2026-06-01&to=2026-06-30')).json<{
      days: { day: string; overdue: string[] }[];
    }>();
    expect(other.days.map((d) => [d.day, d.overdue])).toEqual([
      ['2026-06-08', [elsewhere]],
      ['2026-06-18', []],
    ]);
    // The escalated item is in the upper level's queue.
    expect((await city('/v1/ledger/items?escalatedLevel=province')).json<Page>().items.map((i) => i.id)).toEqual([late]);
    expect((await county('/v1/ledger/escalations?from=2026-06-30&to=2026-06-01')).statusCode).toBe(400);
  });
});

describe('the ledger counts', () => {
  interface Listed {
    status: string;
    overdue: boolean;
    escalatedLevel: string | null;
  }
  interface Counts {
    byStatus: Record<string, number>;
    overdue: number;
    escalated: number;
    total: number;
  }
  const STATUSES = ['raised', 'confirmed', 'dismissed', 'rectifying', 'rectified', 'closed', 'resolved'];

  /** The counts the list itself gives, paging through every entry that matches `q`. */
  async function tally(caller: Caller, q: string): Promise<Counts> {
    const counts: Counts = { byStatus: Object.fromEntries(STATUSES.map((s) => [s, 0])), overdue: 0, escalated: 0, total: 0 };
    let cursor: string | null = null;
    do {
      const res = await caller(`/v1/ledger/items?${q}&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const page = res.json<{ items: Listed[]; nextCursor: string | null }>();
      for (const i of page.items) {
        counts.byStatus[i.status] = (counts.byStatus[i.status] ?? 0) + 1;
        if (i.overdue) counts.overdue++;
        if (i.escalatedLevel !== null) counts.escalated++;
        counts.total++;
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
    return counts;
  }

  async function counts(caller: Caller, q: string): Promise<Counts> {
    const res = await caller(`/v1/ledger/counts?${q}`);
    expect(res.statusCode).toBe(200);
    return res.json<Counts>();
  }

  it('counts what the list shows, per status, for a county and a province user, under the same filters', async () => {
    // 140 entries in county 220103 over every status, some overdue, some escalated, a quarter on a confidential intake.
    const meters = await registerMeters(testDb.db, { count: 4, prefix: 'CT', countyCode: '220103' });
    const ids = meters.map((m) => Number(m.intakeId));
    await testDb.db.updateTable('intakes').set({ confidential: true }).where('id', '=', String(ids[0])).execute();
    await sql`
      insert into ledger_items (kind, rule, intake_id, county_code, subject, status, summary, evidence, window_start, window_end,
                                dismissal_reason, measures, responsible_unit, responsible_person, deadline, escalated_level)
      select 'item', case when g % 2 = 0 then 'meter-silent' else 'daily-over-limit' end, (${sql.val(ids)}::bigint[])[1 + g % 4], '220103',
             'C-' || g, (array['raised','confirmed','dismissed','rectifying','rectified','closed','resolved'])[1 + g % 7],
             '计数测试 ' || g, '{}'::jsonb, now() - interval '1 day', now(), '测试', '措施', '单位', '张三',
             current_date + case when g % 3 = 0 then -5 else 5 end,
             case when g % 5 = 0 then 'city' when g % 11 = 0 then 'province' end
      from generate_series(1, 140) g`.execute(testDb.db);
    const county103 = callerOf(app, await signedIn(testDb.db, { divisionCode: '220103', role: 'staff', confidential: false }));
    const province = callerOf(app, await signedIn(testDb.db, { divisionCode: '220000', role: 'staff', confidential: false }));
    const cleared = callerOf(app, await signedIn(testDb.db, { divisionCode: '220000', role: 'admin', confidential: true }));

    const mine = await counts(county103, '');
    expect(mine.total).toBe(105); // the confidential intake's 35 are not there for it
    expect(Object.values(mine.byStatus).every((n) => n > 0)).toBe(true);
    expect(mine.overdue).toBeGreaterThan(0);
    expect(mine.escalated).toBeGreaterThan(0);
    for (const [caller, q] of [
      [county103, ''],
      [county103, 'rule=meter-silent&escalated=true'],
      [county103, 'overdue=true'],
      [county103, 'q=计数测试 1'],
      [province, ''],
      [province, 'division=220103&kind=item'],
      [province, 'division=220100&overdue=false'],
      [cleared, 'division=220103'],
    ] as const) {
      expect(await counts(caller, q), q).toEqual(await tally(caller, q));
    }
    expect((await counts(cleared, 'division=220103')).total).toBe(140);
    // The status filter is ignored: every status is counted at once.
    expect(await counts(county103, 'status=raised')).toEqual(mine);
    // Another county's division: nothing, not an error.
    expect(await counts(county103, 'division=220102')).toEqual({
      byStatus: Object.fromEntries(STATUSES.map((s) => [s, 0])),
      overdue: 0,
      escalated: 0,
      total: 0,
    });
    expect((await county103('/v1/ledger/counts?overdue=maybe')).statusCode).toBe(400);
  });
});
