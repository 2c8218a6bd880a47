import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/database.ts';
import { type Rejection, RejectionStore } from './rejection-store.ts';

const testDb = useTestDatabase();

const rejection = (receivedMs: number, payload: string): Rejection => ({
  receivedMs,
  topic: 'meters/M-1/readings',
  meterId: 'M-1',
  code: 'malformed_json',
  reason: 'Unexpected token',
  payload: Buffer.from(payload),
});

describe('RejectionStore', () => {
  it('keeps a replayed batch\'s rejections once, and a meter\'s resend of the same bytes as a receipt of its own', async () => {
    const store = new RejectionStore(testDb.db);
    const batch = [rejection(1_764_000_000_000, '{bad'), rejection(1_764_000_000_001, '{worse')];
    await store.insert(batch);
    await store.insert(batch);
    await store.insert([rejection(1_764_000_005_000, '{bad')]);
    const rows = await testDb.db.selectFrom('ingest_rejections').select(['received_at', 'payload']).orderBy('id').execute();
    expect(rows.map((r) => [r.received_at.getTime(), r.payload.toString()])).toEqual([
      [1_764_000_000_000, '{bad'],
      [1_764_000_000_001, '{worse'],
      [1_764_000_005_000, '{bad'],
    ]);
  });
});
