import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/database.ts';
import { useSignedInApp } from '../testing/app.ts';
import { csvFile, row } from '../../domain/registry/import/testing/fixtures.ts';

const testDb = useTestDatabase();
const api = useSignedInApp(testDb);

function upload(file: Buffer, query = '', field = 'file') {
  const boundary = '----wim-test-boundary';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="form.csv"\r\nContent-Type: text/csv\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return api({
    method: 'POST',
    url: `/v1/registry/imports${query}`,
    payload: body,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
}

describe('POST /v1/registry/imports', () => {
  it('validates without writing on a dry run, then imports', async () => {
    const file = csvFile([row(), row({ code: 'QS-002', permitNumber: 'D220102S2024-0002', longitude: 125.5 })]);
    const dry = await upload(file, '?dryRun=true');
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({
      status: 'validated',
      rows: 2,
      planned: { intakes: 2, permits: 2, units: 1 },
      created: { intakes: 0 },
    });

    const real = await upload(file);
    expect(real.statusCode).toBe(200);
    expect(real.json()).toMatchObject({ status: 'imported', created: { units: 1, intakes: 2, permits: 2 } });
    const listed = await api('/v1/intakes?q=QS-00');
    expect(listed.json()).toMatchObject({ total: 2 });
  });

  it('answers 422 with every error by row and column, writing nothing', async () => {
    const before = await api('/v1/intakes');
    const file = csvFile([row({ code: 'BAD 1', permitNumber: 'X-1' }), row({ code: 'QS-010', longitude: 300, permitNumber: 'X-2' })]);
    const res = await upload(file);
    expect(res.statusCode).toBe(422);
    const report = res.json<{ status: string; errors: { row: number; column: string }[] }>();
    expect(report.status).toBe('rejected');
    expect(report.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 2, column: '取水口编码' }),
        expect.objectContaining({ row: 3, column: '经度' }),
      ]),
    );
    const after = await api('/v1/intakes');
    expect(after.json<{ total: number }>().total).toBe(before.json<{ total: number }>().total);
  });

  it('refuses a request without the file field, and an unreadable file, as problem details', async () => {
    const wrongField = await upload(csvFile([row()]), '', 'upload');
    expect(wrongField.statusCode).toBe(400);
    expect(wrongField.json()).toMatchObject({ code: 'validation_failed' });
    const garbage = await upload(Buffer.from([0, 1, 2, 3, 255, 254]));
    expect(garbage.statusCode).toBe(422);
    expect(garbage.json()).toMatchObject({ code: 'unprocessable' });
  });

  it('serves the templates', async () => {
    const csv = await api('/v1/registry/import-template.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.body.split('\n')[0]).toContain('取水口编码');
    const xlsx = await api('/v1/registry/import-template.xlsx');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });
});
