/** Transitions as a principal: roles, division and clearance, separation of duties, attachments, races. */
import { describe, expect, it } from 'vitest';
import { DAY_MS, localDay } from '../../platform/local-time.ts';
import { useTestDatabase } from '../../test/database.ts';
import { getAttachment } from './attachments.ts';
import { transitionAs } from './duties.ts';
import { LedgerTransitionError } from './errors.ts';
import { getItemDetail } from './scoped-queries.ts';
import { finding, makeConfidential, principal, raise, refused, registeredIntake } from './testing/fixtures.ts';

const testDb = useTestDatabase();
const PLAN = {
  measures: '更换流量计',
  responsibleUnit: '某水务公司',
  responsiblePerson: '李四',
  deadline: localDay(Date.now() + 30 * DAY_MS),
};

const countyA = principal('county-a', '220102');
const countyB = principal('county-b', '220102');
const city = principal('city', '220100');
const otherCity = principal('other-city', '220200');
const province = principal('province', '220000');
const cleared = principal('province-cleared', '220000', 'staff', true);
const auditor = principal('auditor', '220000', 'auditor', true);

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100, 1)]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');

async function newItem(prefix: string, countyCode = '220102'): Promise<string> {
  const intakeId = await registeredIntake(testDb.db, prefix);
  return raise(testDb.db, finding(intakeId, { countyCode }));
}

async function toRectified(id: string, by = countyA): Promise<void> {
  const db = testDb.db;
  await transitionAs(db, by, id, { action: 'confirm' });
  await transitionAs(db, by, id, { action: 'startRectifying', ...PLAN });
  await transitionAs(db, by, id, { action: 'markRectified', evidence: '新表照片' });
}

describe('transitionAs: rules of duty', () => {
  it('lets the county rectify and a city user close; the county may not close its own item', async () => {
    const db = testDb.db;
    const id = await newItem('DA');
    await toRectified(id);
    const byCounty = await refused(transitionAs(db, countyB, id, { action: 'close' }));
    expect(byCounty.code).toBe('forbidden');
    expect(byCounty.message).toMatch(/city or province/);
    expect((await getItemDetail(db, countyB, id))?.actions).toEqual(['reopen']);
    expect((await getItemDetail(db, city, id))?.actions).toEqual(['close', 'reopen']);
    const closed = await transitionAs(db, city, id, { action: 'close', note: '复核通过' });
    expect(closed.item.status).toBe('closed');
    expect(closed.event.actor).toBe('user:city');
  });

  it('refuses the rectifier the close even when the county may close (closeNeedsUpperLevel false)', async () => {
    const db = testDb.db;
    const workflow = { closeNeedsUpperLevel: false, escalateToCityAfterDays: 0, escalateToProvinceAfterDays: 30 };
    const id = await newItem('DB');
    await toRectified(id, countyA);
    const err = await refused(transitionAs(db, countyA, id, { action: 'close' }, { workflow }));
    expect(err.code).toBe('forbidden');
    expect(err.message).toMatch(/separation of duties/);
    expect((await getItemDetail(db, countyA, id, { workflow }))?.actions).toEqual(['reopen']);
    expect((await getItemDetail(db, countyB, id, { workflow }))?.actions).toEqual(['close', 'reopen']);
    expect((await transitionAs(db, countyB, id, { action: 'close' }, { workflow })).item.status).toBe('closed');
    // A province rectifier is held to the same rule.
    const other = await newItem('DC');
    await toRectified(other, province);
    expect((await refused(transitionAs(db, province, other, { action: 'close' }))).code).toBe('forbidden');
  });

  it('lets auditors read but not act, and treats items outside the division or confidential as not found', async () => {
    const db = testDb.db;
    const id = await newItem('DD');
    expect((await refused(transitionAs(db, auditor, id, { action: 'confirm' }))).code).toBe('forbidden');
    expect((await getItemDetail(db, auditor, id))?.actions).toEqual([]);
    expect((await refused(transitionAs(db, otherCity, id, { action: 'confirm' }))).code).toBe('not_found');
    expect(await getItemDetail(db, otherCity, id)).toBeUndefined();

    const intakeId = await registeredIntake(db, 'DE');
    await makeConfidential(db, intakeId);
    const secret = await raise(db, finding(intakeId));
    for (const p of [countyA, city, province]) {
      expect((await refused(transitionAs(db, p, secret, { action: 'confirm' }))).code).toBe('not_found');
      expect(await getItemDetail(db, p, secret)).toBeUndefined();
    }
    expect((await transitionAs(db, cleared, secret, { action: 'confirm' })).item.status).toBe('confirmed');
  });

  it('refuses an illegal transition with the lifecycle reason, and a bad payload or action', async () => {
    const db = testDb.db;
    const id = await newItem('DF');
    const err = await refused(transitionAs(db, countyA, id, { action: 'close' }));
    expect(err.code).toBe('invalid_transition');
    expect(err.message).toMatch(/close is allowed from rectified, but the item is raised/);
    expect((await refused(transitionAs(db, countyA, id, { action: 'dismiss', reason: '  ' }))).code).toBe('invalid_payload');
    expect((await refused(transitionAs(db, countyA, id, { action: 'explode' }))).code).toBe('invalid_transition');
    expect((await refused(transitionAs(db, countyA, '999999999', { action: 'confirm' }))).code).toBe('not_found');
    const seen = await getItemDetail(db, countyA, id);
    await transitionAs(db, countyB, id, { action: 'confirm' });
    const stale = await refused(
      transitionAs(db, countyA, id, { action: 'dismiss', reason: 'x' }, { expected: { updatedAt: seen?.item.updatedAt ?? '' } }),
    );
    expect(stale.code).toBe('invalid_transition');
    expect(stale.message).toMatch(/changed at/);
  });

  it('lets one of two concurrent transitions win; the other gets invalid_transition and changes nothing', async () => {
    const db = testDb.db;
    for (let round = 0; round < 5; round++) {
      const id = await newItem(`DG${round}`);
      // Both saw the item raised: the same action twice, or two actions with the status they saw.
      const expected = { status: 'raised' as const };
      const results = await Promise.allSettled(
        round % 2 === 0
          ? [
              transitionAs(db, countyA, id, { action: 'confirm' }, { attachments: [{ filename: 'a.jpg', content: JPEG }] }),
              transitionAs(db, countyB, id, { action: 'confirm' }, { attachments: [{ filename: 'b.pdf', content: PDF }] }),
            ]
          : [
              transitionAs(db, countyA, id, { action: 'confirm' }, { expected, attachments: [{ filename: 'a.jpg', content: JPEG }] }),
              transitionAs(
                db,
                countyB,
                id,
                { action: 'dismiss', reason: '误报' },
                { expected, attachments: [{ filename: 'b.pdf', content: PDF }] },
              ),
            ],
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const reason: unknown = lost[0]?.status === 'rejected' ? lost[0].reason : undefined;
      expect(reason).toBeInstanceOf(LedgerTransitionError);
      expect((reason as LedgerTransitionError).code).toBe('invalid_transition');
      const detail = await getItemDetail(db, city, id);
      expect(detail?.events.map((e) => e.action)).toHaveLength(2);
      // Only the winner's file is kept, on the winner's event.
      expect(detail?.events.flatMap((e) => e.attachments)).toHaveLength(1);
      expect(detail?.events[1]?.attachments).toHaveLength(1);
    }
  });
});

describe('attachments', () => {
  it('keeps JPEG, PNG and PDF files with the event, checked by content, downloadable by readers of the item', async () => {
    const db = testDb.db;
    const id = await newItem('DH');
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(10)]);
    const done = await transitionAs(
      db,
      countyA,
      id,
      { action: 'confirm' },
      {
        attachments: [
          { filename: '../../etc/现场.jpg', content: JPEG },
          { filename: 'plan.png', content: png },
          { filename: 'cert.pdf', content: PDF },
        ],
      },
    );
    expect(done.attachmentIds).toHaveLength(3);
    const detail = await getItemDetail(db, city, id);
    expect(detail?.events[1]?.attachments.map((a) => [a.filename, a.mediaType, a.sizeBytes])).toEqual([
      ['现场.jpg', 'image/jpeg', JPEG.length],
      ['plan.png', 'image/png', png.length],
      ['cert.pdf', 'application/pdf', PDF.length],
    ]);
    const [first] = done.attachmentIds;
    const file = await getAttachment(db, auditor, first ?? '');
    expect(file?.content.equals(JPEG)).toBe(true);
    expect(file?.mediaType).toBe('image/jpeg');
    expect(await getAttachment(db, otherCity, first ?? '')).toBeUndefined();
    expect(await getAttachment(db, countyA, 'nope')).toBeUndefined();
  });

  it('refuses a file over 20 MB or of another type, and changes nothing', async () => {
    const db = testDb.db;
    const id = await newItem('DI');
    const big = Buffer.alloc(20 * 1024 * 1024 + 1);
    JPEG.copy(big);
    const tooLarge = await refused(
      transitionAs(db, countyA, id, { action: 'confirm' }, { attachments: [{ filename: 'big.jpg', content: big }] }),
    );
    expect(tooLarge.code).toBe('attachment_too_large');
    // A script named like a photo, and an HTML page claiming to be a PDF.
    for (const content of [Buffer.from('#!/bin/sh\nrm -rf /\n'), Buffer.from('<html><body>%PDF</body></html>')]) {
      const wrong = await refused(
        transitionAs(db, countyA, id, { action: 'confirm' }, { attachments: [{ filename: 'photo.jpg', content }] }),
      );
      expect(wrong.code).toBe('attachment_type');
    }
    const detail = await getItemDetail(db, countyA, id);
    expect(detail?.item.status).toBe('raised');
    expect(detail?.events).toHaveLength(1);
    // Out of division: the item does not exist for the caller, whatever it attaches.
    expect(
      (await refused(transitionAs(db, otherCity, id, { action: 'confirm' }, { attachments: [{ filename: 'a.jpg', content: JPEG }] }))).code,
    ).toBe('not_found');
    expect(await db.selectFrom('ledger_attachments').select('id').where('item_id', '=', id).execute()).toEqual([]);
  });
});
