import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../test/database.ts';
import { registerMeters } from '../test/fixtures/registry.ts';
import { MeterDirectory } from './meter-directory.ts';

const testDb = useTestDatabase();

describe('MeterDirectory', () => {
  it('gives concurrent callers the loaded registry, never a half-loaded one', async () => {
    const [meter] = await registerMeters(testDb.db, { count: 1, prefix: 'DIR' });
    const directory = new MeterDirectory(testDb.db, 60_000);
    const id = meter?.meterId ?? '';
    const answers = await Promise.all([directory.resolve([id]), directory.resolve([id]), directory.resolve([id])]);
    for (const answer of answers) expect(answer.get(id)).toEqual({ intakeId: meter?.intakeId, countyCode: '220102', confidential: false });
  });

  it('notices a meter registered after it loaded, without waiting for the refresh period', async () => {
    const directory = new MeterDirectory(testDb.db, 60_000);
    await directory.resolve(['nobody']);
    const [late] = await registerMeters(testDb.db, { count: 1, prefix: 'DIRLATE' });
    const id = late?.meterId ?? '';
    expect((await directory.resolve([id], Date.now() + 300)).get(id)).toMatchObject({ intakeId: late?.intakeId });
  });
});
