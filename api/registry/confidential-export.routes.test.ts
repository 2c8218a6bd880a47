import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/database.ts';
import { registerMeters } from '../../test/fixtures/registry.ts';
import { callerOf, signedIn, testApp } from '../testing/app.ts';

const testDb = useTestDatabase();
let app: FastifyInstance;

beforeAll(async () => {
  app = await testApp(testDb.db);
  const [secret] = await registerMeters(testDb.db, { count: 1, prefix: 'CX-SECRET', countyCode: '220102' });
  await registerMeters(testDb.db, { count: 1, prefix: 'CX-OPEN', countyCode: '220102' });
  await testDb.db
    .updateTable('intakes')
    .set({ confidential: true })
    .where('id', '=', secret?.intakeId ?? '')
    .execute();
});
afterAll(() => app.close());

describe('the classified submission', () => {
  it('gives a cleared province user the confidential intakes in the form layout, and audits it', async () => {
    const headers = await signedIn(testDb.db, { divisionCode: '220000', role: 'auditor', confidential: true });
    const res = await callerOf(app, headers)('/v1/registry/confidential-export.xlsx');
    expect(res.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = book.worksheets[0];
    const header = (sheet?.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['取水口编码', '取水口名称', '所在县级行政区代码']);
    const codes = [];
    for (let r = 2; r <= (sheet?.rowCount ?? 0); r++) codes.push(sheet?.getRow(r).getCell(1).value);
    expect(codes).toEqual(['CX-SECRET-0']);
    const audit = await testDb.db.selectFrom('auth_events').selectAll().where('kind', '=', 'confidential_export').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.detail).toEqual({ intakes: 1 });
  });

  it('refuses it without the clearance, and to a cleared user below the province', async () => {
    const uncleared = await signedIn(testDb.db, { divisionCode: '220000', role: 'admin', confidential: false });
    expect((await callerOf(app, uncleared)('/v1/registry/confidential-export.xlsx')).statusCode).toBe(403);
    const county = await signedIn(testDb.db, { divisionCode: '220102', role: 'staff', confidential: true });
    expect((await callerOf(app, county)('/v1/registry/confidential-export.xlsx')).statusCode).toBe(403);
  });
});
