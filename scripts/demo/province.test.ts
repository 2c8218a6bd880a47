import { describe, expect, it } from 'vitest';
import { signIn } from '../../domain/access/index.ts';
import { useTestDatabase } from '../../test/database.ts';
import { loadDemoProvince } from './province.ts';

const testDb = useTestDatabase();

const count = async (table: 'intakes' | 'permits' | 'meters' | 'withdrawal_units' | 'users') =>
  Number(
    (
      await testDb.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('the demonstration province', () => {
  it('loads once into an empty registry, and its users can sign in', async () => {
    const first = await loadDemoProvince(testDb.db, { counties: 4, intakesPerCounty: 10, today: '2026-06-01' });
    if (!first.loaded) throw new Error(`not loaded: ${first.reason}`);
    expect(first).toMatchObject({ intakes: 40, meters: 40, counties: 4 });
    expect(first.permits).toBeGreaterThan(30);
    expect(first.permits).toBeLessThan(40);
    expect(await count('intakes')).toBe(40);
    expect(await count('withdrawal_units')).toBe(40);
    expect(await count('meters')).toBe(40);
    expect(await count('permits')).toBe(first.permits);
    expect(await count('users')).toBe(2);

    const intakes = await testDb.db.selectFrom('intakes').select(['code', 'name', 'county_code']).execute();
    for (const i of intakes) {
      expect(i.code).toMatch(/^DEMO-/);
      expect(i.name.startsWith('【演示】')).toBe(true);
    }
    // Real Jilin counties, over more than one city.
    const counties = new Set(intakes.map((i) => i.county_code));
    const known = await testDb.db
      .selectFrom('divisions')
      .select('code')
      .where('code', 'in', [...counties])
      .where('level', '=', 'county')
      .execute();
    expect(known).toHaveLength(counties.size);
    expect(new Set([...counties].map((c) => c.slice(0, 4))).size).toBeGreaterThan(1);
    // Some permits expired, some intakes without: the monitor has something to raise.
    const expired = await testDb.db.selectFrom('permits').select('id').where('valid_to', '<', '2026-06-01').execute();
    expect(expired.length + (40 - first.permits)).toBeGreaterThan(0);

    for (const u of first.users) {
      const session = await signIn(testDb.db, { username: u.username, password: u.password, address: null });
      expect(session).toBeDefined();
    }
    const admin = first.users.find((u) => u.role === 'admin');
    expect(admin).toMatchObject({ divisionCode: '220000' });

    const second = await loadDemoProvince(testDb.db);
    expect(second).toEqual({ loaded: false, reason: 'the registry already holds intakes' });
    expect(await count('intakes')).toBe(40);
    expect(await count('users')).toBe(2);
  });
});
