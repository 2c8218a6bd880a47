import { beforeAll, describe, expect, it } from 'vitest';
import { RejectionStore } from '../../domain/telemetry/index.ts';
import { useTestDatabase } from '../../test/database.ts';
import { useSignedInApp } from '../testing/app.ts';

const testDb = useTestDatabase();
const api = useSignedInApp(testDb);

beforeAll(async () => {
  await new RejectionStore(testDb.db).insert([
    {
      receivedMs: Date.parse('2026-06-01T00:00:00Z'),
      topic: 'meters/m-1/readings',
      meterId: 'm-1',
      code: 'malformed_json',
      reason: 'not JSON',
      payload: Buffer.from('nope'),
    },
    {
      receivedMs: Date.parse('2026-06-01T00:01:00Z'),
      topic: 'meters/m-2/readings',
      meterId: 'm-2',
      code: 'not_utf8',
      reason: 'payload is not valid UTF-8',
      payload: Buffer.from([0xff, 0xfe]),
    },
  ]);
});

describe('GET /v1/ingest/rejections', () => {
  it('lists refused messages newest first, with their bytes', async () => {
    const res = await api('/v1/ingest/rejections');
    expect(res.statusCode).toBe(200);
    const body = res.json<{ total: number; items: { meterId: string; payloadText: string | null; payloadBase64: string }[] }>();
    expect(body.total).toBe(2);
    expect(body.items[0]).toMatchObject({ meterId: 'm-2', payloadText: null, payloadBase64: '//4=' });
    expect(body.items[1]).toMatchObject({ meterId: 'm-1', payloadText: 'nope' });
  });

  it('filters by reason and meter, and refuses an unknown reason code', async () => {
    expect((await api('/v1/ingest/rejections?reasonCode=malformed_json')).json()).toMatchObject({ total: 1 });
    expect((await api('/v1/ingest/rejections?meterId=m-2')).json()).toMatchObject({ total: 1 });
    expect((await api('/v1/ingest/rejections?reasonCode=whatever')).statusCode).toBe(400);
  });
});
