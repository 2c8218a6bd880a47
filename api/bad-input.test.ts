/**
 * Bad input the API must refuse with a 4xx problem document, never a 500 (issue 15, defect 7):
 * NUL characters, ids beyond bigint, malformed multipart bodies, numbers the columns cannot hold.
 */
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../test/database.ts';
import { useSignedInApp } from './testing/app.ts';

const testDb = useTestDatabase();
const api = useSignedInApp(testDb);
let unitId = '';
let intakeId = '';
let meterId = '';

const post = (url: string, payload: object) => api({ method: 'POST', url, payload });

const permitBody = (number: string, extra: object = {}) => ({
  permitNumber: number,
  intakeId,
  issuingLevel: 'city',
  validFrom: '2025-01-01',
  validTo: '2029-12-31',
  annualVolumeM3: 1_200_000,
  ...extra,
});
const meterBody = (id: string, extra: object = {}) => ({
  meterId: id,
  intakeId,
  meterType: 'electromagnetic',
  readingMode: 'online',
  installedOn: '2024-05-01',
  ...extra,
});

beforeAll(async () => {
  const unit = await post('/v1/units', { name: '测试单位', kind: 'person', countyCode: '220102' });
  unitId = unit.json<{ id: string }>().id;
  const intake = await post('/v1/intakes', {
    code: 'BAD-1',
    name: '取水口',
    countyCode: '220102',
    unitId,
    longitude: 125.32,
    latitude: 43.88,
    sourceType: 'river',
    waterUse: 'public_supply',
    intakeKind: 'pump_station',
  });
  intakeId = intake.json<{ id: string }>().id;
  const meter = await post('/v1/meters', meterBody('BAD-1-M1'));
  meterId = meter.json<{ id: string }>().id;
  expect([unit.statusCode, intake.statusCode, meter.statusCode]).toEqual([201, 201, 201]);
});

function expectProblem(res: LightMyRequestResponse, status: number, code: string, path?: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json<{ code: string; errors?: { path: string }[] }>();
  expect(body.code).toBe(code);
  if (path !== undefined) expect(body.errors?.map((e) => e.path)).toContain(path);
}

describe('NUL characters', () => {
  it.each([
    ['/v1/units?q=a%00b', 'q'],
    ['/v1/meters?meterId=M%00', 'meterId'],
    ['/v1/registry-changes?actor=x%00', 'actor'],
    ['/v1/ingest/rejections?meterId=m%00', 'meterId'],
    ['/v1/units?creditCode=%00', 'creditCode'],
  ])('in the query %s are refused with 400 naming the field', async (url, field) => {
    expectProblem(await api(url), 400, 'validation_failed', field);
  });

  it('in a created record are refused with 400 naming the field', async () => {
    const res = await post('/v1/units', { name: 'a\u0000b', kind: 'person', countyCode: '220102' });
    expectProblem(res, 400, 'validation_failed', 'name');
  });

  it('in a patch are refused with 400 naming the field', async () => {
    const res = await api({ method: 'PATCH', url: `/v1/intakes/${intakeId}`, payload: { sourceName: '\u0000' } });
    expectProblem(res, 400, 'validation_failed', 'sourceName');
  });

  it('are looked for without overflowing the stack in a body nested thousands deep', async () => {
    const deep = `${'['.repeat(20_000)}"\u0000"${']'.repeat(20_000)}`;
    const res = await api({ method: 'POST', url: '/v1/units', payload: deep, headers: { 'content-type': 'application/json' } });
    expectProblem(res, 400, 'validation_failed');
    const plain = await api({
      method: 'PATCH',
      url: `/v1/units/${unitId}`,
      payload: `{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(plain.statusCode).toBe(200);
  });

  it('in a nested field of a meter replacement are refused with 400 naming the field', async () => {
    const res = await post(`/v1/meters/${meterId}/replace`, {
      newMeter: { meterId: 'BAD-1-M2', meterType: 'electromagnetic', readingMode: 'online', installedOn: '2025-01-01' },
      replacedAt: '2025-01-01T08:00:00+08:00',
      oldFinalTotalM3: 10,
      note: 'swapped\u0000',
    });
    expectProblem(res, 400, 'validation_failed', 'note');
  });
});

describe('ids beyond bigint', () => {
  it('in a path are refused with 400, not a database error', async () => {
    expectProblem(await api('/v1/units/9223372036854775808'), 400, 'validation_failed', 'id');
    expectProblem(await api('/v1/units/9999999999999999999'), 400, 'validation_failed', 'id');
    const largest = await api('/v1/units/9223372036854775807');
    expectProblem(largest, 404, 'not_found');
  });

  it('in a list filter or a body are refused with 400', async () => {
    expectProblem(await api('/v1/meters?intakeId=9223372036854775808'), 400, 'validation_failed', 'intakeId');
    expectProblem(await post('/v1/meters', meterBody('BAD-X', { intakeId: '9223372036854775808' })), 400, 'validation_failed', 'intakeId');
  });
});

describe('numbers the published schema allows are those the columns hold', () => {
  it.each([
    ['permits', () => permitBody('P-1', { annualVolumeM3: 1e12 }), 'annualVolumeM3'],
    ['permits', () => permitBody('P-2', { dailyLimitM3: 0.004 }), 'dailyLimitM3'],
    ['permits', () => permitBody('P-3', { annualVolumeM3: 10.005 }), 'annualVolumeM3'],
    ['permits', () => permitBody('P-4', { monthlyPlanM3: Array.from({ length: 12 }, () => 1e12) }), 'monthlyPlanM3.0'],
    ['permits', () => permitBody('P-5', { maxRateM3h: 0.0001 }), 'maxRateM3h'],
    ['meters', () => meterBody('M-1', { registerMaxM3: 1e13 }), 'registerMaxM3'],
    ['meters', () => meterBody('M-2', { accuracyClass: 5e-324 }), 'accuracyClass'],
    ['meters', () => meterBody('M-3', { accuracyClass: 1.26 }), 'accuracyClass'],
  ])('%s: %s refused with 400 before the database', async (path, body, field) => {
    expectProblem(await post(`/v1/${path}`, body()), 400, 'validation_failed', field);
  });

  it('stores the extremes the schema allows exactly as sent', async () => {
    const permit = await post(
      '/v1/permits',
      permitBody('P-MAX', { annualVolumeM3: 999_999_999_999.99, dailyLimitM3: 0.01, maxRateM3h: 0.001 }),
    );
    expect(permit.statusCode, permit.body).toBe(201);
    expect(permit.json()).toMatchObject({ annualVolumeM3: 999_999_999_999.99, dailyLimitM3: 0.01, maxRateM3h: 0.001 });
    const meter = await post('/v1/meters', meterBody('M-MAX', { accuracyClass: 0.2, registerMaxM3: 9_999_999_999_999.998 }));
    expect(meter.statusCode, meter.body).toBe(201);
    expect(meter.json()).toMatchObject({ accuracyClass: 0.2, registerMaxM3: 9_999_999_999_999.998 });
  });

  it('refuses a replacement reading beyond its column with 400', async () => {
    const res = await post(`/v1/meters/${meterId}/replace`, {
      newMeter: { meterId: 'BAD-1-M3', meterType: 'electromagnetic', readingMode: 'online', installedOn: '2025-01-01' },
      replacedAt: '2025-01-01T08:00:00+08:00',
      oldFinalTotalM3: 1e20,
    });
    expectProblem(res, 400, 'validation_failed', 'oldFinalTotalM3');
  });
});

describe('malformed multipart bodies on the import route', () => {
  const url = '/v1/registry/imports';
  const boundary = '----wim-bad-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.csv"\r\nContent-Type: text/csv\r\n\r\n`;

  it('answers 400 to multipart without a boundary', async () => {
    const res = await api({
      method: 'POST',
      url,
      payload: `${head}a,b\r\n--${boundary}--\r\n`,
      headers: { 'content-type': 'multipart/form-data' },
    });
    expectProblem(res, 400, 'validation_failed');
  });

  it('answers 400 to a body that is not multipart at all', async () => {
    const res = await api({
      method: 'POST',
      url,
      payload: '{"file": "x"}',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expectProblem(res, 400, 'validation_failed');
  });

  it('answers 400, not 413, to a part cut off mid-way', async () => {
    const res = await api({
      method: 'POST',
      url,
      payload: `${head}取水口编码,取水口名称\r\nQS-1,`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expectProblem(res, 400, 'validation_failed');
  });

  it('answers 400 to a body cut off inside the part headers', async () => {
    const res = await api({
      method: 'POST',
      url,
      payload: `--${boundary}\r\nContent-Disposition: form-da`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expectProblem(res, 400, 'validation_failed');
  });
});
