/**
 * The campaign tables, the monthly report and the accounts as downloads, and the map: XLSX opens
 * with exceljs with the Chinese headers, its totals equal the JSON, CSV has the BOM, a registry
 * text that is a formula comes out neutralised, and the GeoJSON is valid RFC 7946.
 */
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finding, raise } from '../../domain/ledger/testing/fixtures.ts';
import { generateMonthlyReports } from '../../domain/reports/index.ts';
import { withActor } from '../../platform/db/database.ts';
import { localDay } from '../../platform/local-time.ts';
import { useTestDatabase } from '../../test/database.ts';
import { registerMeters } from '../../test/fixtures/registry.ts';
import { type Caller, callerOf, signedIn, testApp } from '../testing/app.ts';

const testDb = useTestDatabase();
let app: FastifyInstance;
let county: Caller;
let city: Caller;
let otherCounty: Caller;
const FORMULA = '=HYPERLINK("http://evil.example","点击")';
let intakeId = '';
let otherIntakeId = '';
const month = localDay(Date.now()).slice(0, 7);
const year = Number(month.slice(0, 4));

async function workbook(body: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  return wb;
}
const rowValues = (ws: ExcelJS.Worksheet, n: number): unknown[] => (ws.getRow(n).values as unknown[]).slice(1);

beforeAll(async () => {
  const db = testDb.db;
  const [a, b] = await registerMeters(db, { count: 3, prefix: 'DL', countyCode: '220102' });
  const [c] = await registerMeters(db, { count: 1, prefix: 'DL-O', countyCode: '220202' });
  if (!a || !b || !c) throw new Error('fixture');
  intakeId = a.intakeId;
  otherIntakeId = c.intakeId;
  await withActor(db, 'test:fixture', async (trx) => {
    await trx.updateTable('intakes').set({ name: FORMULA }).where('id', '=', a.intakeId).execute();
    await trx
      .insertInto('permits')
      .values({
        permit_number: 'DL-P1',
        intake_id: a.intakeId,
        issuing_level: 'city',
        valid_from: `${year}-01-01`,
        valid_to: `${year + 2}-12-31`,
        annual_volume_m3: 36_500,
        monthly_plan_m3: Array<number>(12).fill(3000),
        daily_limit_m3: 120,
      })
      .execute();
  });
  const days = [`${year}-01-01`, `${year}-01-02`, `${year}-02-10`, `${month}-01`];
  await db
    .insertInto('daily_accounts')
    .values(
      [...new Set(days)].map((day, k) => ({
        intake_id: a.intakeId,
        day,
        volume_m3: 100 + k * 25.5,
        status: 'measured' as const,
        expected_reports: 96,
        received_reports: 96,
        completeness: 1,
        coverage: 1,
        anomalies: '[]',
        evidence: '[]',
      })),
    )
    .execute();
  await raise(db, finding(a.intakeId, { summary: '@SUM(A1:A9) 计量异常', subject: 'DL-0-m' }));
  await raise(db, finding(b.intakeId, { subject: 'DL-1-m', rule: 'stuck-register' }));
  await generateMonthlyReports(db, month, new Date());
  app = await testApp(db);
  county = callerOf(app, await signedIn(db, { divisionCode: '220102', role: 'staff', confidential: false }));
  city = callerOf(app, await signedIn(db, { divisionCode: '220100', role: 'staff', confidential: false }));
  otherCounty = callerOf(app, await signedIn(db, { divisionCode: '220202', role: 'staff', confidential: false }));
});
afterAll(() => app.close());

describe('campaign tables', () => {
  it('serves Annex 2 as JSON, XLSX and CSV with the same totals', async () => {
    const json = (await city('/v1/reports/registration-summary')).json<{
      rows: { countyCode: string; intakes: number }[];
      totals: { intakes: number; byMetering: Record<string, number> };
    }>();
    expect(json.totals.intakes).toBe(3);
    const xlsx = await city('/v1/reports/registration-summary?format=xlsx');
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers['content-disposition']).toMatch(/^attachment; filename=".*\.xlsx"; filename\*=UTF-8''/);
    const ws = (await workbook(xlsx.rawPayload)).worksheets[0];
    if (!ws) throw new Error('no sheet');
    const headers = rowValues(ws, 1);
    expect(headers.slice(0, 4)).toEqual(['市（州）', '县（市、区）', '行政区划代码', '取水口总数']);
    const footer = rowValues(ws, ws.rowCount);
    expect(footer[0]).toBe('合计');
    expect(footer[3]).toBe(json.totals.intakes);
    expect(footer[headers.indexOf('计量状况-在线计量')]).toBe(json.totals.byMetering.online);
    const csv = await city('/v1/reports/registration-summary?format=csv');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect([...csv.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]?.split(',').slice(0, 4)).toEqual(['市（州）', '县（市、区）', '行政区划代码', '取水口总数']);
    expect(lines.at(-1)?.split(',')[3]).toBe(String(json.totals.intakes));
  });

  it('serves Annex 3 with formulas from the registry neutralised', async () => {
    const json = (await county('/v1/reports/rectification-table')).json<{
      rows: { intakeName: string; problem: string }[];
      totals: { items: number };
    }>();
    expect(json.totals.items).toBe(2);
    expect(json.rows.map((r) => r.intakeName)).toContain(FORMULA);
    const ws = (await workbook((await county('/v1/reports/rectification-table?format=xlsx')).rawPayload)).worksheets[0];
    if (!ws) throw new Error('no sheet');
    expect(rowValues(ws, 1).slice(0, 5)).toEqual(['序号', '县（市、区）', '取水口编码', '取水口名称', '存在问题']);
    const names = Array.from({ length: ws.rowCount - 1 }, (_, k) => ws.getRow(k + 2).getCell(4).value);
    expect(names).toContain(`'${FORMULA}`);
    expect(names).not.toContain(FORMULA);
    expect(ws.getRow(ws.rowCount).getCell(2).value).toBe(`${json.totals.items} 项`);
    const csv = (await county('/v1/reports/rectification-table?format=csv')).body;
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""点击"")"`);
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
    // The other county's table does not hold these items.
    expect((await otherCounty('/v1/reports/rectification-table')).json<{ totals: { items: number } }>().totals.items).toBe(0);
  });
});

describe('the monthly report with its narrative', () => {
  it('writes the narrative as the division, reads it next to the figures, and downloads both', async () => {
    const narrative = {
      workDone: '完成3处取水口现场核查',
      results: '整改销号1项',
      difficulties: '-部分机井无电源',
      suggestions: '统一采购计量设施',
    };
    const put = await county({ method: 'PUT', url: `/v1/reports/monthly/${month}/220102/narrative`, payload: narrative });
    expect(put.statusCode).toBe(200);
    expect((await city({ method: 'PUT', url: `/v1/reports/monthly/${month}/220102/narrative`, payload: narrative })).statusCode).toBe(403);
    expect(
      (await otherCounty({ method: 'PUT', url: `/v1/reports/monthly/${month}/220102/narrative`, payload: narrative })).statusCode,
    ).toBe(404);
    const report = (await city(`/v1/reports/monthly/${month}/220102/report`)).json<{
      figures: { withdrawal: { volumeM3: number } };
      narrative: typeof narrative;
    }>();
    expect(report.narrative).toMatchObject(narrative);
    const ws = (await workbook((await city(`/v1/reports/monthly/${month}/220102/report?format=xlsx`)).rawPayload)).worksheets[0];
    if (!ws) throw new Error('no sheet');
    const lines = new Map(
      Array.from({ length: ws.rowCount - 1 }, (_, k) => [ws.getRow(k + 2).getCell(1).text, ws.getRow(k + 2).getCell(2).value]),
    );
    expect(lines.get('取水量（立方米）')).toBe(report.figures.withdrawal.volumeM3);
    expect(lines.get('工作开展情况')).toBe(narrative.workDone);
    expect(lines.get('存在困难和问题')).toBe(`'${narrative.difficulties}`);
    expect((await otherCounty(`/v1/reports/monthly/${month}/220102/report`)).statusCode).toBe(404);
    expect((await otherCounty(`/v1/reports/monthly/${month}/220102`)).statusCode).toBe(404);
  });
});

describe('accounts', () => {
  it("serves an intake's year as JSON and files whose totals equal it; 404 outside the division", async () => {
    const res = await county(`/v1/accounts/intakes/${intakeId}?year=${year}`);
    expect(res.statusCode).toBe(200);
    const json = res.json<{ total: { volumeM3: number; annualVolumeM3: number; accountedDays: number }; months: { volumeM3: number }[] }>();
    expect(json.total.annualVolumeM3).toBe(36_500);
    expect(json.months.reduce((s, m) => s + m.volumeM3, 0)).toBeCloseTo(json.total.volumeM3, 6);
    const wb = await workbook((await county(`/v1/accounts/intakes/${intakeId}?year=${year}&format=xlsx`)).rawPayload);
    const [months, days] = wb.worksheets;
    if (!months || !days) throw new Error('sheets');
    expect(rowValues(months, 1).slice(0, 3)).toEqual(['月份', '取水量（立方米）', '月计划（立方米）']);
    expect(rowValues(months, months.rowCount).slice(0, 3)).toEqual(['合计', json.total.volumeM3, 36_500]);
    expect(days.rowCount).toBe(json.total.accountedDays + 2);
    const csv = await county(`/v1/accounts/intakes/${intakeId}?year=${year}&format=csv`);
    expect(csv.body.trim().split('\r\n').at(-1)?.split(',').slice(0, 2)).toEqual(['合计', String(json.total.volumeM3)]);
    expect((await otherCounty(`/v1/accounts/intakes/${intakeId}?year=${year}`)).statusCode).toBe(404);
    expect((await county(`/v1/accounts/intakes/${otherIntakeId}?year=${year}`)).statusCode).toBe(404);
    expect((await county(`/v1/accounts/intakes/999999?year=${year}`)).statusCode).toBe(404);
  });

  it('totals a period by county and city, as JSON and XLSX alike', async () => {
    const json = (await city(`/v1/accounts/divisions?period=${year}`)).json<{ divisions: { divisionCode: string; volumeM3: number }[] }>();
    expect(json.divisions.map((d) => d.divisionCode)).toEqual(['220102', '220100']);
    const ws = (await workbook((await city(`/v1/accounts/divisions?period=${year}&format=xlsx`)).rawPayload)).worksheets[0];
    if (!ws) throw new Error('no sheet');
    expect(rowValues(ws, ws.rowCount).slice(0, 5)).toEqual(['220100', expect.any(String), '市（州）', 1, json.divisions[1]?.volumeM3]);
    expect((await otherCounty(`/v1/accounts/divisions?period=${year}`)).json<{ divisions: unknown[] }>().divisions).toEqual([]);
    expect((await city('/v1/accounts/divisions?period=2026-13')).statusCode).toBe(400);
  });
});

describe('one map', () => {
  interface Feature {
    type: string;
    id: string;
    geometry: { type: string; coordinates: number[] };
    properties: Record<string, unknown>;
  }
  it('serves valid GeoJSON of the caller’s intakes, filtered by box and status', async () => {
    const res = await city('/v1/map/intakes');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    const fc = res.json<{ type: string; bbox: number[]; features: Feature[] }>();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(3);
    for (const f of fc.features) {
      expect(f.type).toBe('Feature');
      expect(f.geometry.type).toBe('Point');
      const [lon = NaN, lat = NaN] = f.geometry.coordinates;
      expect(f.geometry.coordinates).toHaveLength(2);
      expect(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90).toBe(true);
      expect(lon).toBeGreaterThan(lat); // Jilin: longitude ~125, latitude ~43: [lon, lat] order
      expect(Object.keys(f.properties)).toEqual(
        expect.arrayContaining(['code', 'name', 'permitStatus', 'meteringStatus', 'openItems', 'overdueItems']),
      );
    }
    expect(fc.bbox).toHaveLength(4);
    const [w = 0, s = 0, e = 0, n = 0] = fc.bbox;
    expect(w <= e && s <= n).toBe(true);
    const withPermit = (await city('/v1/map/intakes?permit=valid')).json<{ features: Feature[] }>().features;
    expect(withPermit.map((f) => f.properties.permitNumber)).toEqual(['DL-P1']);
    const boxed = (await city('/v1/map/intakes?bbox=124,43,125.000005,44')).json<{ features: Feature[] }>().features;
    expect(boxed).toHaveLength(1);
    expect((await otherCounty('/v1/map/intakes')).json<{ features: Feature[] }>().features).toHaveLength(1);
    expect((await city('/v1/map/intakes?bbox=1,2,3')).statusCode).toBe(400);
  });
});
