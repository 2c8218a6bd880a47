import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, callerOf, signedIn, testApp } from '../testing/app.ts';
import { localDay } from '../../platform/local-time.ts';
import { type MonthlyReportFigures, monthlyReportFigures } from '../../domain/reports/index.ts';
import { useTestDatabase } from '../../test/database.ts';
import { registerMeters } from '../../test/fixtures/registry.ts';
import { transitionItem } from '../../domain/ledger/index.ts';
import { finding, raise } from '../../domain/ledger/testing/fixtures.ts';
import { generateMonthlyReports, monthSpan } from '../../domain/reports/index.ts';

const testDb = useTestDatabase();
// The ledger stamps events with the database's clock, so the report is of the current month.
const now = new Date();
const month = localDay(now.getTime()).slice(0, 7);
const { firstDay, lastDay } = monthSpan(month);
const secondDay = `${month}-02`;
let app: FastifyInstance;
let api: Caller;

function account(intakeId: string, day: string, volume: number | null, completeness: number) {
  return {
    intake_id: intakeId,
    day,
    volume_m3: volume,
    status: volume === null ? ('missing' as const) : completeness < 1 ? ('partial' as const) : ('measured' as const),
    expected_reports: 96,
    received_reports: Math.round(96 * completeness),
    completeness,
    coverage: completeness,
    anomalies: '[]',
    evidence: '[]',
  };
}

async function reportOf(code: string): Promise<MonthlyReportFigures> {
  const row = await testDb.db
    .selectFrom('monthly_reports')
    .select('figures')
    .where('month', '=', month)
    .where('division_code', '=', code)
    .executeTakeFirstOrThrow();
  return monthlyReportFigures.parse(row.figures);
}

beforeAll(async () => {
  const [a, b] = await registerMeters(testDb.db, { count: 2, prefix: 'RPT-A', countyCode: '220102' });
  const [c] = await registerMeters(testDb.db, { count: 1, prefix: 'RPT-C', countyCode: '220202' });
  if (!a || !b || !c) throw new Error('fixture');
  const before = localDay(new Date(`${firstDay}T12:00:00+08:00`).getTime() - 86_400_000);
  await testDb.db
    .insertInto('daily_accounts')
    .values([
      account(a.intakeId, firstDay, 100, 1),
      account(a.intakeId, secondDay, 50, 1),
      account(b.intakeId, firstDay, null, 0),
      account(b.intakeId, secondDay, 30, 0.5),
      account(c.intakeId, firstDay, 200, 1),
      account(c.intakeId, before, 9_999, 1), // the month before: not in this report
    ])
    .execute();
  const at = { windowStartMs: now.getTime() - 3_600_000, windowEndMs: now.getTime() };
  const silent = await raise(testDb.db, finding(a.intakeId, { ...at, subject: a.meterId }));
  await transitionItem(testDb.db, silent, 'confirm', 'staff:test', { note: 'seen on site' });
  await transitionItem(testDb.db, silent, 'startRectifying', 'staff:test', {
    measures: '修复通讯 / repair the link',
    responsibleUnit: 'RPT-A 用水户',
    responsiblePerson: '张三',
    deadline: firstDay,
  });
  await raise(testDb.db, finding(b.intakeId, { ...at, subject: b.meterId, kind: 'notice', rule: 'meter-offline' }));
  const stuck = await raise(testDb.db, finding(b.intakeId, { ...at, subject: b.meterId, rule: 'stuck-register' }));
  await transitionItem(testDb.db, stuck, 'confirm', 'staff:test', {});
  await transitionItem(testDb.db, stuck, 'startRectifying', 'staff:test', {
    measures: '更换水表',
    responsibleUnit: 'RPT-A 用水户',
    responsiblePerson: '张三',
    deadline: lastDay,
  });
  await transitionItem(testDb.db, stuck, 'markRectified', 'staff:test', { evidence: '新表编号 RPT-A-1-m2，照片见附件' });
  await transitionItem(testDb.db, stuck, 'close', 'staff:test', { note: '现场核查通过' });
  const other = await raise(testDb.db, finding(c.intakeId, { ...at, subject: c.meterId, countyCode: '220202' }));
  await transitionItem(testDb.db, other, 'dismiss', 'staff:test', { reason: 'meter under repair, reported in advance' });

  await generateMonthlyReports(testDb.db, month, now);
  app = await testApp(testDb.db);
  api = callerOf(app, await signedIn(testDb.db));
});
afterAll(() => app.close());

describe('monthly progress reports', () => {
  it("sums a county's accounts of the month and counts how its ledger moved", async () => {
    const r = await reportOf('220102');
    expect(r.basis).toMatchObject({ firstDay, lastDay });
    expect(r.intakes).toEqual({ active: 2, accounted: 2, withMissingDays: 1 });
    expect(r.withdrawal).toEqual({
      volumeM3: 180,
      accountedDays: 4,
      missingDays: 1,
      partialDays: 1,
      completeness: (96 + 96 + 0 + 48) / (4 * 96),
    });
    expect(r.ledger).toEqual({
      itemsRaised: 2,
      noticesRaised: 1,
      raisedByRule: { 'meter-silent': 1, 'meter-offline': 1, 'stuck-register': 1 },
      closed: 1,
      dismissed: 0,
      openItems: 1,
      overdueItems: 1,
    });
  });

  it('adds the counties up to their city and the province, and leaves other months out', async () => {
    expect((await reportOf('220100')).withdrawal.volumeM3).toBe(180);
    expect((await reportOf('220200')).withdrawal.volumeM3).toBe(200);
    const province = await reportOf('220000');
    expect(province.withdrawal).toMatchObject({ volumeM3: 380, accountedDays: 5, missingDays: 1 });
    expect(province.intakes).toMatchObject({ active: 3, accounted: 3 });
    expect(province.ledger).toMatchObject({ itemsRaised: 3, noticesRaised: 1, closed: 1, dismissed: 1, openItems: 1 });
  });

  it('replaces the month when generated again', async () => {
    const rows = async () => testDb.db.selectFrom('monthly_reports').select('division_code').where('month', '=', month).execute();
    const first = await rows();
    await generateMonthlyReports(testDb.db, month, new Date());
    expect((await rows()).map((r) => r.division_code).sort()).toEqual(first.map((r) => r.division_code).sort());
    expect(first.map((r) => r.division_code).sort()).toEqual(['220000', '220100', '220102', '220200', '220202']);
  });

  it('serves the reports over HTTP, with a 404 for a month not reported', async () => {
    const list = await api(`/v1/reports/monthly?month=${month}&level=city`);
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: MonthlyReportFigures[] }>().items.map((r) => r.divisionCode)).toEqual(['220100', '220200']);
    const one = await api(`/v1/reports/monthly/${month}/220102`);
    expect(one.json<MonthlyReportFigures>().withdrawal.volumeM3).toBe(180);
    const missing = await api('/v1/reports/monthly/1999-01/220102');
    expect(missing.statusCode).toBe(404);
    const bad = await api('/v1/reports/monthly?month=2026-13');
    expect(bad.statusCode).toBe(400);
  });
});
