import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/database.ts';
import { useSignedInApp } from '../testing/app.ts';

const testDb = useTestDatabase();
const api = useSignedInApp(testDb);

async function post(url: string, payload: object) {
  return api({ method: 'POST', url, payload });
}

const unitBody = { name: '长春市第一水厂', kind: 'organisation', creditCode: '91220101MA0Y3K4L2F', countyCode: '220102' };
const intakeBody = (unitId: string, code: string) => ({
  code,
  name: `取水口 ${code}`,
  countyCode: '220102',
  unitId,
  longitude: 125.32,
  latitude: 43.88,
  sourceType: 'river',
  sourceName: '伊通河',
  waterUse: 'public_supply',
  intakeKind: 'pump_station',
});

describe('registry API', () => {
  let unitId = '';
  let intakeId = '';

  it('creates a unit, an intake, a permit and a meter, and reads them back', async () => {
    const unit = await post('/v1/units', unitBody);
    expect(unit.statusCode).toBe(201);
    unitId = unit.json<{ id: string }>().id;

    const intake = await post('/v1/intakes', intakeBody(unitId, 'CC-0001'));
    expect(intake.statusCode).toBe(201);
    intakeId = intake.json<{ id: string }>().id;
    expect(intake.json()).toMatchObject({ code: 'CC-0001', longitude: 125.32, confidential: false, status: 'active' });

    const permit = await post('/v1/permits', {
      permitNumber: '取水(吉长)字[2025]第001号',
      intakeId,
      issuingLevel: 'city',
      validFrom: '2025-01-01',
      validTo: '2029-12-31',
      annualVolumeM3: 1_200_000,
      monthlyPlanM3: [1e5, 1e5, 1e5, 1e5, 1e5, 1e5, 1e5, 1e5, 1e5, 1e5, 1e5, 1e5],
      maxRateM3h: 250,
      hoursStart: '06:00',
      hoursEnd: '22:00',
    });
    expect(permit.statusCode).toBe(201);
    expect(permit.json()).toMatchObject({ annualVolumeM3: 1_200_000, hoursStart: '06:00', status: 'valid' });

    const meter = await post('/v1/meters', {
      meterId: 'CC-0001-M1',
      intakeId,
      meterType: 'electromagnetic',
      readingMode: 'online',
      accuracyClass: 1,
      diameterMm: 300,
      registerMaxM3: 99_999_999,
      installedOn: '2024-05-01',
      lastCalibratedOn: '2024-05-01',
      calibrationIntervalMonths: 24,
    });
    expect(meter.statusCode).toBe(201);
    expect(meter.json()).toMatchObject({ reportingIntervalS: 900, installedOn: '2024-05-01' });

    const got = await api(`/v1/intakes/${intakeId}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ id: intakeId, sourceName: '伊通河' });
  });

  it('lists with filters by division at any level, and pages', async () => {
    await post('/v1/intakes', intakeBody(unitId, 'CC-0002'));
    await post('/v1/intakes', { ...intakeBody(unitId, 'CC-0003'), countyCode: '220104' });

    const city = await api('/v1/intakes?divisionCode=220100&limit=2');
    expect(city.json()).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(city.json<{ items: unknown[] }>().items).toHaveLength(2);
    const county = await api('/v1/intakes?divisionCode=220104');
    expect(county.json<{ items: { code: string }[] }>().items.map((i) => i.code)).toEqual(['CC-0003']);
    const otherCity = await api('/v1/intakes?divisionCode=220200');
    expect(otherCity.json()).toMatchObject({ total: 0 });
    const search = await api('/v1/intakes?q=0002');
    expect(search.json()).toMatchObject({ total: 1 });
  });

  it('patches a field, validating the merged record, and retires without deleting', async () => {
    const patched = await api({ method: 'PATCH', url: `/v1/intakes/${intakeId}`, payload: { confidential: true } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ confidential: true, code: 'CC-0001' });

    const broken = await api({ method: 'PATCH', url: `/v1/intakes/${intakeId}`, payload: { intakeKind: 'well' } });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ in: 'body', path: 'wellDiameterMm', message: 'required exactly when intakeKind is well' }],
    });

    const retired = await post(`/v1/intakes/${intakeId}/retire`, {});
    expect(retired.statusCode).toBe(200);
    expect(retired.json()).toMatchObject({ status: 'retired' });
    expect((await api(`/v1/intakes/${intakeId}`)).statusCode).toBe(200);
  });

  it('keeps the change history of a record', async () => {
    const history = await api(`/v1/registry-changes?table=intakes&rowId=${intakeId}`);
    const items = history.json<{ items: { action: string; actor: string; after: { status: string } }[] }>().items;
    expect(items.map((c) => c.action)).toEqual(['update', 'update', 'insert']);
    expect(items[0]?.after.status).toBe('retired');
    expect(items.every((c) => c.actor.startsWith('user:test-'))).toBe(true);
  });

  it('replaces a meter, keeping both readings at the change', async () => {
    const meters = await api(`/v1/meters?intakeId=${intakeId}`);
    const oldId = meters.json<{ items: { id: string }[] }>().items[0]?.id ?? '';
    const res = await post(`/v1/meters/${oldId}/replace`, {
      newMeter: { meterId: 'CC-0001-M2', meterType: 'ultrasonic', readingMode: 'online', installedOn: '2026-03-01' },
      replacedAt: '2026-03-01T10:00:00+08:00',
      oldFinalTotalM3: 182734.25,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ oldMeter: { status: 'replaced' }, newMeter: { meterId: 'CC-0001-M2', intakeId } });
    const again = await post(`/v1/meters/${oldId}/replace`, {
      newMeter: { meterId: 'CC-0001-M3', meterType: 'ultrasonic', readingMode: 'online', installedOn: '2026-03-02' },
      replacedAt: '2026-03-02T10:00:00+08:00',
      oldFinalTotalM3: 1,
    });
    expect(again.statusCode).toBe(409);
  });
});

describe('registry API errors are RFC 9457 problem details', () => {
  it('400 for a malformed body, naming each field', async () => {
    const res = await post('/v1/units', { name: '', kind: 'company', countyCode: '22' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const body = res.json<{ type: string; code: string; errors: { path: string }[] }>();
    expect(body).toMatchObject({ type: '/problems/validation-failed', status: 400, code: 'validation_failed', instance: '/v1/units' });
    expect(body.errors.map((e) => e.path).sort()).toEqual(['countyCode', 'kind', 'name']);
  });

  it('400 for an invalid credit code check character', async () => {
    const res = await post('/v1/units', { ...unitBody, creditCode: '91220101MA0Y3K4L2B' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ errors: [{ path: 'creditCode' }] });
  });

  it('404 for a missing record and for an unknown route', async () => {
    const missing = await api('/v1/intakes/999999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'not_found', detail: 'intake 999999 does not exist' });
    expect((await api('/v1/nothing')).json()).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('409 for a duplicate intake code, 422 for a reference to a missing unit or a city as county', async () => {
    const unit = await post('/v1/units', { ...unitBody, creditCode: '91220102MA12345676' });
    const unitId = unit.json<{ id: string }>().id;
    expect((await post('/v1/intakes', intakeBody(unitId, 'DUP-1'))).statusCode).toBe(201);
    const dup = await post('/v1/intakes', intakeBody(unitId, 'DUP-1'));
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'conflict' });
    expect(dup.json<{ detail: string }>().detail).toMatch(/DUP-1.*intakes_code_key/);

    const noUnit = await post('/v1/intakes', intakeBody('987654', 'NOUNIT'));
    expect(noUnit.statusCode).toBe(422);
    const inCity = await post('/v1/intakes', { ...intakeBody(unitId, 'CITY'), countyCode: '220100' });
    expect(inCity.statusCode).toBe(422);
    expect(inCity.json()).toMatchObject({ code: 'unprocessable' });
  });

  it('serves the OpenAPI document and the /docs page', async () => {
    const spec = await api('/docs/json');
    expect(spec.statusCode).toBe(200);
    const paths = Object.keys(spec.json<{ paths: Record<string, unknown> }>().paths);
    expect(paths).toEqual(expect.arrayContaining(['/v1/intakes', '/v1/intakes/{id}', '/v1/permits', '/v1/meters/{id}/replace']));
    expect((await api('/docs/')).statusCode).toBe(200);
  });
});
