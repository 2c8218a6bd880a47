/**
 * The ledger's transitions over HTTP, on a real database: every step legal and illegal with the
 * roles of the access issue, the rules of duty, two transitions at once, attachments (too large,
 * wrong type, out of division) and their download.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finding, raise, registeredIntake } from '../../domain/ledger/testing/fixtures.ts';
import { DAY_MS, localDay } from '../../platform/local-time.ts';
import { useTestDatabase } from '../../test/database.ts';
import { type Caller, callerOf, signedIn, testApp } from '../testing/app.ts';

const testDb = useTestDatabase();
let app: FastifyInstance;
const as: Record<'county' | 'county2' | 'city' | 'city2' | 'province' | 'auditor' | 'otherCounty', Caller> = {} as never;

const PLAN = {
  measures: '更换流量计',
  responsibleUnit: '某水务公司',
  responsiblePerson: '李四',
  deadline: localDay(Date.now() + 30 * DAY_MS),
};
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');

beforeAll(async () => {
  app = await testApp(testDb.db);
  const user = async (divisionCode: string, role: 'staff' | 'auditor' = 'staff') =>
    callerOf(app, await signedIn(testDb.db, { divisionCode, role, confidential: false }));
  Object.assign(as, {
    county: await user('220102'),
    county2: await user('220102'),
    city: await user('220100'),
    city2: await user('220100'),
    province: await user('220000'),
    auditor: await user('220000', 'auditor'),
    otherCounty: await user('220202'),
  });
});
afterAll(() => app.close());

let items = 0;
async function newItem(countyCode = '220102'): Promise<string> {
  const intakeId = await registeredIntake(testDb.db, `TR${++items}`);
  return raise(testDb.db, finding(intakeId, { countyCode }));
}

const step = (who: Caller, id: string, body: object, headers: Record<string, string> = {}) =>
  who({ method: 'POST', url: `/v1/ledger/items/${id}/transitions`, payload: body, headers });

async function eventCount(id: string): Promise<number> {
  const rows = await testDb.db.selectFrom('ledger_events').select('id').where('item_id', '=', id).execute();
  return rows.length;
}

const BOUNDARY = 'test-boundary-18';
function multipart(
  fields: Record<string, string>,
  files: { name: string; content: Buffer; field?: string }[],
): { payload: Buffer; headers: Record<string, string> } {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${f.field ?? 'attachments'}"; filename="${f.name}"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      f.content,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } };
}

describe('ledger transitions over HTTP', () => {
  it('walks an item through its whole lifecycle, each step answered with the item and its event', async () => {
    const id = await newItem();
    const confirmed = await step(as.county, id, { action: 'confirm', note: '现场核实' });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({
      item: { id, status: 'confirmed' },
      event: { action: 'confirmed', note: '现场核实' },
      attachmentIds: [],
    });
    expect((await step(as.county, id, { action: 'startRectifying', ...PLAN })).json()).toMatchObject({
      item: { status: 'rectifying', measures: PLAN.measures },
    });
    expect((await step(as.county, id, { action: 'markRectified', evidence: '新表已安装' })).json()).toMatchObject({
      item: { status: 'rectified' },
    });
    // A county's item is closed by the city: the county may not, even another county user.
    const countyClose = await step(as.county2, id, { action: 'close' });
    expect(countyClose.statusCode).toBe(403);
    expect(countyClose.json()).toMatchObject({ code: 'forbidden' });
    expect(countyClose.json<{ detail: string }>().detail).toMatch(/city or province/);
    const reopened = await step(as.city, id, { action: 'reopen', note: '核查未通过' });
    expect(reopened.json()).toMatchObject({ item: { status: 'rectifying' } });
    await step(as.county, id, { action: 'markRectified', evidence: '再次整改' });
    const closed = await step(as.city, id, { action: 'close', note: '核查通过' });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ item: { status: 'closed' }, event: { action: 'closed' } });
    // From closed only reopen is possible; the detail says what each caller may do.
    expect((await step(as.city, id, { action: 'confirm' })).statusCode).toBe(409);
    expect((await as.city(`/v1/ledger/items/${id}`)).json()).toMatchObject({ actions: ['reopen'] });
    expect((await as.auditor(`/v1/ledger/items/${id}`)).json()).toMatchObject({ actions: [] });
    const events = (await as.county(`/v1/ledger/items/${id}`)).json<{ events: { action: string }[] }>().events.map((e) => e.action);
    expect(events).toEqual(['raised', 'confirmed', 'rectifying', 'rectified', 'reopened', 'rectified', 'closed']);
  });

  it('refuses every illegal step with 409 and the reason, and changes nothing', async () => {
    const id = await newItem();
    const illegal = [
      { action: 'startRectifying', ...PLAN },
      { action: 'markRectified', evidence: 'x' },
      { action: 'close' },
      { action: 'reopen', note: 'x' },
    ];
    for (const body of illegal) {
      const res = await step(as.city, id, body);
      expect(res.statusCode, body.action).toBe(409);
      expect(res.json()).toMatchObject({ code: 'conflict', status: 409 });
    }
    await step(as.county, id, { action: 'dismiss', reason: '误报：表计检修' });
    for (const body of [{ action: 'confirm' }, { action: 'dismiss', reason: 'again' }])
      expect((await step(as.county, id, body)).statusCode).toBe(409);
    expect(await eventCount(id)).toBe(2);
  });

  it('answers bad bodies with 400 problem documents', async () => {
    const id = await newItem();
    for (const body of [
      { action: 'dismiss' },
      { action: 'dismiss', reason: '   ' },
      { action: 'fly' },
      { action: 'startRectifying', ...PLAN, deadline: '2026-02-30' },
      {},
    ]) {
      const res = await step(as.county, id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await as.county({ method: 'POST', url: `/v1/ledger/items/${id}/transitions` })).statusCode).toBe(400);
    expect(await eventCount(id)).toBe(1);
  });

  it('lets auditors read but not act, and keeps the user who rectified from closing', async () => {
    const id = await newItem();
    expect((await step(as.auditor, id, { action: 'confirm' })).statusCode).toBe(403);
    expect((await as.auditor(`/v1/ledger/items/${id}`)).statusCode).toBe(200);
    await step(as.city, id, { action: 'confirm' });
    await step(as.city, id, { action: 'startRectifying', ...PLAN });
    await step(as.city, id, { action: 'markRectified', evidence: '市里代为整改' });
    const self = await step(as.city, id, { action: 'close' });
    expect(self.statusCode).toBe(403);
    expect(self.json<{ detail: string }>().detail).toMatch(/separation of duties/);
    expect((await as.city(`/v1/ledger/items/${id}`)).json()).toMatchObject({ actions: ['reopen'] });
    expect((await step(as.city2, id, { action: 'close' })).statusCode).toBe(200);
  });

  it('answers 404 for an item outside the division, as for one that does not exist', async () => {
    const id = await newItem('220102');
    const outside = await step(as.otherCounty, id, { action: 'confirm' });
    const missing = await step(as.otherCounty, '999999999', { action: 'confirm' });
    expect([outside.statusCode, missing.statusCode]).toEqual([404, 404]);
    expect(outside.json<{ detail: string }>().detail.replace(id, 'N')).toBe(
      missing.json<{ detail: string }>().detail.replace('999999999', 'N'),
    );
    expect((await as.otherCounty(`/v1/ledger/items/${id}`)).statusCode).toBe(404);
    expect((await as.otherCounty(`/v1/ledger/items?intakeId=1`)).json()).toMatchObject({ items: [] });
  });

  it('lets one of two concurrent transitions win; the other gets 409 and leaves nothing behind', async () => {
    for (let round = 0; round < 5; round++) {
      const id = await newItem();
      const [a, b] = await Promise.all([step(as.county, id, { action: 'confirm' }), step(as.county2, id, { action: 'confirm' })]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
      expect(await eventCount(id)).toBe(2);
      // Two steps that are legal one after the other: with the version seen, the second loses.
      const seen = (await as.county(`/v1/ledger/items/${id}`)).headers.etag as string;
      const [c, d] = await Promise.all([
        step(as.county, id, { action: 'startRectifying', ...PLAN, expectedStatus: 'confirmed' }, { 'if-match': seen }),
        step(as.county2, id, { action: 'dismiss', reason: '重复', expectedStatus: 'confirmed' }, { 'if-match': seen }),
      ]);
      expect([c.statusCode, d.statusCode].sort()).toEqual([200, 409]);
      expect(await eventCount(id)).toBe(3);
    }
  });

  it('refuses a stale If-Match or expectedStatus with 409, a malformed one with 400', async () => {
    const id = await newItem();
    const etag = (await as.county(`/v1/ledger/items/${id}`)).headers.etag as string;
    expect(etag).toMatch(/^"\d{4}-/);
    await step(as.county, id, { action: 'confirm' });
    expect((await step(as.county2, id, { action: 'dismiss', reason: 'x' }, { 'if-match': etag })).statusCode).toBe(409);
    expect((await step(as.county2, id, { action: 'dismiss', reason: 'x', expectedStatus: 'raised' })).statusCode).toBe(409);
    expect((await step(as.county2, id, { action: 'dismiss', reason: 'x' }, { 'if-match': 'nonsense' })).statusCode).toBe(400);
    expect(await eventCount(id)).toBe(2);
  });
});

describe('attachments', () => {
  it('keeps files with the event and serves them to whoever may read the item', async () => {
    const id = await newItem();
    await step(as.county, id, { action: 'confirm' });
    await step(as.county, id, { action: 'startRectifying', ...PLAN });
    const body = multipart({ action: 'markRectified', evidence: '照片与检定证书' }, [
      { name: '../新表.png', content: PNG },
      { name: 'cert.pdf', content: PDF },
    ]);
    const res = await as.county({ method: 'POST', url: `/v1/ledger/items/${id}/transitions`, ...body });
    expect(res.statusCode, res.body).toBe(200);
    const [png, pdf] = res.json<{ attachmentIds: string[] }>().attachmentIds;
    const detail = (await as.city(`/v1/ledger/items/${id}`)).json<{
      events: { action: string; attachments: { filename: string; mediaType: string }[] }[];
    }>();
    expect(detail.events.at(-1)?.attachments.map((a) => [a.filename, a.mediaType])).toEqual([
      ['新表.png', 'image/png'],
      ['cert.pdf', 'application/pdf'],
    ]);
    const download = await as.province(`/v1/ledger/attachments/${png ?? ''}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('image/png');
    expect(download.headers['content-disposition']).toMatch(/^attachment; .*filename\*=UTF-8''%E6%96%B0/);
    expect(download.rawPayload.equals(PNG)).toBe(true);
    expect((await as.county(`/v1/ledger/attachments/${pdf ?? ''}`)).rawPayload.equals(PDF)).toBe(true);
    // Outside the division: as if there were no such file.
    expect((await as.otherCounty(`/v1/ledger/attachments/${png ?? ''}`)).statusCode).toBe(404);
    expect((await as.otherCounty('/v1/ledger/attachments/999999')).statusCode).toBe(404);
  });

  it('refuses a file over 20 MB (413) and one that is not JPEG, PNG or PDF (415), writing nothing', async () => {
    const id = await newItem();
    await step(as.county, id, { action: 'confirm' });
    const big = Buffer.concat([PNG, Buffer.alloc(20 * 1024 * 1024, 1)]);
    const tooLarge = await as.county({
      method: 'POST',
      url: `/v1/ledger/items/${id}/transitions`,
      ...multipart({ action: 'dismiss', reason: '附件过大' }, [{ name: 'big.png', content: big }]),
    });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toMatchObject({ code: 'payload_too_large' });
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const wrongType = await as.county({
      method: 'POST',
      url: `/v1/ledger/items/${id}/transitions`,
      ...multipart({ action: 'dismiss', reason: '类型错误' }, [{ name: 'photo.png', content: html }]),
    });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json()).toMatchObject({ code: 'unsupported_media_type' });
    const wrongField = await as.county({
      method: 'POST',
      url: `/v1/ledger/items/${id}/transitions`,
      ...multipart({ action: 'dismiss', reason: 'x' }, [{ name: 'a.png', content: PNG, field: 'file' }]),
    });
    expect(wrongField.statusCode).toBe(400);
    expect(await eventCount(id)).toBe(2);
    const stored = await testDb.db.selectFrom('ledger_attachments').select('id').where('item_id', '=', id).execute();
    expect(stored).toEqual([]);
    // Out of division: 404 before any file is looked at.
    const outside = await as.otherCounty({
      method: 'POST',
      url: `/v1/ledger/items/${id}/transitions`,
      ...multipart({ action: 'dismiss', reason: 'x' }, [{ name: 'a.png', content: PNG }]),
    });
    expect(outside.statusCode).toBe(404);
  });
});
