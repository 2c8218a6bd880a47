/** The ledger list as a principal sees it: filters, scope, and cursor paging while items change. */
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/database.ts';
import { registerMeters } from '../../test/fixtures/registry.ts';
import { applyEvaluation } from './apply-evaluation.ts';
import { transitionAs } from './duties.ts';
import { runDailyEscalation } from './escalation.ts';
import { countLedger, listLedger, type LedgerQuery } from './scoped-queries.ts';
import { day, finding, makeConfidential, principal, raise } from './testing/fixtures.ts';

const testDb = useTestDatabase();
const county = principal('county', '220102');
const city = principal('city', '220100');
const otherCity = principal('other', '220200');
const province = principal('province', '220000');
const cleared = principal('cleared', '220000', 'auditor', true);

async function allIds(p: typeof county, q: LedgerQuery): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await listLedger(testDb.db, p, { ...q, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((i) => i.id));
    if (page.nextCursor === null) return ids;
    cursor = page.nextCursor;
  }
}

describe('listLedger and countLedger', () => {
  it('filters by division, rule, status, kind, overdue, escalated, intake, time and text, inside the caller scope', async () => {
    const db = testDb.db;
    const [a, b] = await registerMeters(db, { count: 2, prefix: 'SQ', countyCode: '220104' });
    const [far] = await registerMeters(db, { count: 1, prefix: 'SF', countyCode: '220203' });
    const [secret] = await registerMeters(db, { count: 1, prefix: 'SS', countyCode: '220104' });
    if (!a || !b || !far || !secret) throw new Error('fixture');
    await makeConfidential(db, secret.intakeId);
    const june = (d: string) => new Date(day(d));
    const silent = await raise(db, finding(a.intakeId, { countyCode: '220104', summary: '泵站 silent' }), june('2026-06-02'));
    const drift = await raise(db, finding(b.intakeId, { countyCode: '220104', rule: 'clock-drift' }), june('2026-06-05'));
    const notice = await raise(
      db,
      finding(b.intakeId, { countyCode: '220104', rule: 'meter-offline', kind: 'notice' }),
      june('2026-06-06'),
    );
    const farItem = await raise(db, finding(far.intakeId, { countyCode: '220203' }), june('2026-06-03'));
    const secretItem = await raise(db, finding(secret.intakeId, { countyCode: '220104' }), june('2026-06-04'));
    const c4 = principal('c4', '220104');
    await transitionAs(db, c4, drift, { action: 'confirm' });
    await transitionAs(db, c4, drift, {
      action: 'startRectifying',
      measures: '校时',
      responsibleUnit: '水务站',
      responsiblePerson: '王五',
      deadline: '2026-06-10',
    });
    await runDailyEscalation(db, { now: june('2026-06-12') });

    const ids = async (p: typeof county, q: LedgerQuery) =>
      (await listLedger(db, p, { ...q, raisedFrom: june('2026-06-01').toISOString() })).items.map((i) => i.id);
    expect(await ids(city, { division: '220104' })).toEqual([notice, drift, silent]);
    expect(await ids(cleared, { division: '220104' })).toEqual([secretItem, notice, drift, silent]);
    expect(await ids(province, {})).toEqual([farItem, notice, drift, silent]);
    expect(await ids(otherCity, { division: '220104' })).toEqual([]);
    expect(await ids(county, {})).toEqual([]);
    expect(await ids(city, { rule: 'clock-drift' })).toEqual([drift]);
    expect(await ids(city, { status: 'raised,rectifying' })).toEqual([notice, drift, silent]);
    expect(await ids(city, { status: 'rectifying' })).toEqual([drift]);
    expect(await ids(city, { kind: 'notice' })).toEqual([notice]);
    expect((await listLedger(db, city, { overdue: true }, june('2026-06-10'))).items).toEqual([]);
    expect((await listLedger(db, city, { overdue: true }, june('2026-06-12'))).items.map((i) => i.id)).toEqual([drift]);
    expect(await ids(city, { escalated: true })).toEqual([drift]);
    expect(await ids(city, { escalatedLevel: 'city' })).toEqual([drift]);
    expect(await ids(city, { escalated: false })).toEqual([notice, silent]);
    expect(await ids(province, { intakeId: b.intakeId })).toEqual([notice, drift]);
    expect(await ids(province, { raisedTo: june('2026-06-04').toISOString() })).toEqual([farItem, silent]);
    expect(await ids(province, { q: '泵站' })).toEqual([silent]);
    expect(await ids(province, { q: '王五' })).toEqual([drift]);
    expect(await ids(province, { q: 'SF-0' })).toEqual([farItem]);
    expect(await ids(province, { q: '100%' })).toEqual([]);
    expect(await countLedger(db, city, { division: '220104' })).toBe(3);
    expect(await countLedger(db, cleared, { division: '220104' })).toBe(4);
    await expect(listLedger(db, city, { status: 'nonsense' })).rejects.toThrow(/expected statuses/);
    await expect(listLedger(db, city, { cursor: 'AAAA' })).rejects.toThrow(/cursor/);
  });

  it("names each entry's intake by its code and name", async () => {
    const db = testDb.db;
    const [m] = await registerMeters(db, { count: 1, prefix: 'SN', countyCode: '220105' });
    if (!m) throw new Error('fixture');
    const id = await raise(db, finding(m.intakeId, { countyCode: '220105' }));
    const page = await listLedger(db, principal('c5', '220105'), {});
    expect(page.items.find((i) => i.id === id)?.intake).toEqual({ code: 'SN-0', name: 'SN intake 0' });
  });

  it('pages through a few thousand items without skipping or repeating one while items change', async () => {
    const db = testDb.db;
    const meters = await registerMeters(db, { count: 3000, prefix: 'SP', countyCode: '220106' });
    await applyEvaluation(db, {
      findings: meters.map((m) => finding(m.intakeId, { countyCode: '220106', subject: m.meterId })),
      clear: [],
      now: new Date(day('2026-06-02')),
    });
    const c6 = principal('c6', '220106');
    const q: LedgerQuery = { division: '220106', status: 'raised,confirmed', limit: 97 };
    const before = await allIds(c6, { ...q, limit: 500 });
    expect(before).toHaveLength(3000);

    // Page through while another client confirms items (they stay in the filter) and new ones are raised.
    const state = { changing: true, confirmed: 0 };
    const changer = (async () => {
      let k = 0;
      while (state.changing) {
        const id = before[(k * 37) % before.length];
        k++;
        if (id === undefined) break;
        await transitionAs(db, c6, id, { action: 'confirm' }).then(
          () => state.confirmed++,
          () => undefined,
        );
        if (k % 10 === 0) {
          const [extra] = await registerMeters(db, { count: 1, prefix: `SPX${k}`, countyCode: '220106' });
          if (extra) await raise(db, finding(extra.intakeId, { countyCode: '220106' }));
        }
      }
    })();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await listLedger(db, c6, { ...q, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((i) => i.id));
      pages++;
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    state.changing = false;
    await changer;
    expect(state.confirmed).toBeGreaterThan(0);
    expect(pages).toBeGreaterThan(30);
    expect(new Set(seen).size).toBe(seen.length);
    const seenSet = new Set(seen);
    expect(before.filter((id) => !seenSet.has(id))).toEqual([]);
    expect(await countLedger(db, c6, { status: 'confirmed' })).toBeGreaterThan(0);
  });
});
