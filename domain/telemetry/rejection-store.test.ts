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
  it("keeps a replayed batch's rejections once, and a meter's resend of the same bytes as a receipt of its own", async () => {
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

describe('RejectionStore under what once stalled the drain', () => {
  it('keeps a batch of 20,000 rejections, more than one statement can carry (65,535 bind parameters)', async () => {
    const store = new RejectionStore(testDb.db);
    const base = 1_765_000_000_000;
    const batch = Array.from({ length: 20_000 }, (_, i) => ({ ...rejection(base + i, `{"n":${i}}`), code: 'unknown_meter' as const }));
    await store.insert(batch);
    const { count } = await testDb.db
      .selectFrom('ingest_rejections')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('reason_code', '=', 'unknown_meter')
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(20_000);
  });

  it('keeps a rejection whose texts hold NUL, which PostgreSQL text cannot, escaping it; the bytes stay as received', async () => {
    const store = new RejectionStore(testDb.db);
    const payload = Buffer.from('{"ts":1,\u0000"totalM3":\u00001}');
    await store.insert([
      {
        receivedMs: 1_766_000_000_000,
        topic: 'meters/NUL\u0000/readings',
        meterId: 'M\u00001',
        code: 'malformed_json',
        reason: 'not JSON: Unexpected token \u0000',
        payload,
      },
    ]);
    const rows = await testDb.db
      .selectFrom('ingest_rejections')
      .select(['topic', 'meter_id', 'reason', 'payload'])
      .where('received_at', '=', new Date(1_766_000_000_000))
      .execute();
    expect(rows).toEqual([
      { topic: 'meters/NUL\\u0000/readings', meter_id: 'M\\u00001', reason: 'not JSON: Unexpected token \\u0000', payload },
    ]);
  });

  it('keeps the storable rows of a batch that holds one PostgreSQL refuses, and reports that one instead of failing the batch', async () => {
    const store = new RejectionStore(testDb.db);
    const good = [rejection(1_767_000_000_000, 'a'), rejection(1_767_000_000_001, 'b')];
    // Before PostgreSQL's first day (4713 BC): a valid JavaScript date that the server refuses.
    const refused = rejection(-8_640_000_000_000_000, 'no time');
    const unstorable = await store.insert([good[0], refused, good[1]].filter((r): r is Rejection => r !== undefined));
    expect(unstorable.map((u) => u.rejection)).toEqual([refused]);
    expect(unstorable[0]?.error.message).toMatch(/out of range/);
    const rows = await testDb.db
      .selectFrom('ingest_rejections')
      .select('payload')
      .where('received_at', '>=', new Date(1_767_000_000_000))
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.payload.toString())).toEqual(['a', 'b']);
  });
});
