import { describe, expect, it } from 'vitest';
import { withActor } from '../../platform/db/database.ts';
import { useTestDatabase } from '../../test/database.ts';
import { registerMeters } from '../../test/fixtures/registry.ts';
import { finding, makeConfidential, principal, raise } from '../ledger/testing/fixtures.ts';
import { intakeFeatureCollection, intakeMap } from './intake-map.ts';

const testDb = useTestDatabase();

/** The RFC 7946 rules a consumer relies on, checked by hand: Point positions [lon, lat] in range. */
function expectValidGeoJson(fc: unknown): void {
  const parsed = intakeFeatureCollection.parse(fc);
  for (const f of parsed.features) {
    const [lon, lat] = f.geometry.coordinates;
    expect(lon).toBeGreaterThanOrEqual(-180);
    expect(lon).toBeLessThanOrEqual(180);
    expect(lat).toBeGreaterThanOrEqual(-90);
    expect(lat).toBeLessThanOrEqual(90);
  }
  // Round-trips as plain JSON (no Dates, no undefined left in arrays).
  expect(JSON.parse(JSON.stringify(fc))).toEqual(fc);
}

describe('intakeMap', () => {
  it('serves the division intakes as GeoJSON with status properties, filtered by bbox and status', async () => {
    const db = testDb.db;
    const near = await registerMeters(db, { count: 3, prefix: 'MA', countyCode: '220102' });
    const [far] = await registerMeters(db, { count: 1, prefix: 'MB', countyCode: '220203' });
    const [secret] = await registerMeters(db, { count: 1, prefix: 'MC', countyCode: '220102' });
    await makeConfidential(db, secret?.intakeId ?? '');
    await withActor(db, 'test', async (trx) => {
      await trx
        .updateTable('intakes')
        .set({ longitude: 126.5, latitude: 44.1 })
        .where('id', '=', near[2]?.intakeId ?? '')
        .execute();
      await trx
        .deleteFrom('meters')
        .where('intake_id', '=', near[1]?.intakeId ?? '')
        .execute();
    });
    await raise(db, finding(near[0]?.intakeId ?? null));

    const city = principal('city', '220100');
    const fc = await intakeMap(db, city);
    expectValidGeoJson(fc);
    expect(fc.features.map((f) => f.id)).toEqual(['MA-0', 'MA-1', 'MA-2']);
    expect(fc.features[0]).toMatchObject({
      geometry: { type: 'Point', coordinates: [125, 43.5] },
      properties: { permitStatus: 'none', meteringStatus: 'online', openItems: 1 },
    });
    expect(fc.features[1]?.properties.meteringStatus).toBe('none');
    expect(fc.bbox).toEqual([125, 43.5, 126.5, 44.1]);
    expect((await intakeMap(db, city, { bbox: '124.9,43.4,125.1,43.6' })).features.map((f) => f.id)).toEqual(['MA-0', 'MA-1']);
    expect((await intakeMap(db, city, { metering: 'none' })).features.map((f) => f.id)).toEqual(['MA-1']);
    expect((await intakeMap(db, city, { openItems: 'true' })).features.map((f) => f.id)).toEqual(['MA-0']);
    expect((await intakeMap(db, principal('p', '220000', 'auditor', true))).features.map((f) => f.id)).toEqual([
      'MA-0',
      'MA-1',
      'MA-2',
      'MB-0',
      'MC-0',
    ]);
    expect((await intakeMap(db, principal('o', '220200'))).features.map((f) => f.id)).toEqual([far ? 'MB-0' : '']);
    expect(await intakeMap(db, city, { division: '220203' })).toEqual({ type: 'FeatureCollection', features: [] });
    await expect(intakeMap(db, city, { bbox: '1,2,3' })).rejects.toThrow(/west,south,east,north/);
  });
});
