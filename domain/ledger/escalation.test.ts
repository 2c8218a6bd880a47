/** The daily escalation over a simulated month. */
import { describe, expect, it } from 'vitest';
import { localDayStart, addDays } from '../../platform/local-time.ts';
import { useTestDatabase } from '../../test/database.ts';
import { transitionAs } from './duties.ts';
import { escalationSummary, runDailyEscalation } from './escalation.ts';
import { getItemDetail, listLedger } from './scoped-queries.ts';
import { finding, principal, raise, registeredIntake } from './testing/fixtures.ts';

const testDb = useTestDatabase();
const county = principal('county', '220102');
const city = principal('city', '220100');
const province = principal('province', '220000');
const otherCity = principal('other', '220200');
const workflow = { closeNeedsUpperLevel: true, escalateToCityAfterDays: 0, escalateToProvinceAfterDays: 10 };
/** 09:00 local on `day`: the monitor's daily run. */
const at = (d: string) => new Date(localDayStart(d) + 9 * 3_600_000);

async function rectifying(prefix: string, deadline: string, countyCode = '220102'): Promise<string> {
  const id = await raise(testDb.db, finding(await registeredIntake(testDb.db, prefix), { countyCode }));
  const p = principal(`${prefix}-user`, countyCode);
  await transitionAs(testDb.db, p, id, { action: 'confirm' });
  await transitionAs(testDb.db, p, id, {
    action: 'startRectifying',
    measures: '整改',
    responsibleUnit: '单位',
    responsiblePerson: '张三',
    deadline,
  });
  return id;
}

describe('runDailyEscalation', () => {
  it('marks items overdue, escalates them county -> city -> province, and keeps a summary per day', async () => {
    const db = testDb.db;
    const late = await rectifying('EA', '2026-06-05'); // never rectified
    const fixed = await rectifying('EB', '2026-06-10'); // rectified on 8 June: never overdue
    const lateThenFixed = await rectifying('EC', '2026-06-03'); // overdue, rectified on 9 June
    const cityItem = await rectifying('ED', '2026-06-04', '220100'); // a city's own item
    const otherCounty = await rectifying('EE', '2026-06-05', '220203');

    const days: string[] = [];
    for (let d = '2026-06-01'; d <= '2026-06-30'; d = addDays(d, 1)) days.push(d);
    for (const d of days) {
      if (d === '2026-06-08') await transitionAs(db, county, fixed, { action: 'markRectified', evidence: '已整改' });
      if (d === '2026-06-09') await transitionAs(db, county, lateThenFixed, { action: 'markRectified', evidence: '已整改' });
      await runDailyEscalation(db, { now: at(d), workflow });
      // Running twice on a day changes nothing more.
      if (d === '2026-06-06')
        expect(await runDailyEscalation(db, { now: at(d), workflow })).toEqual({
          day: d,
          overdue: 0,
          escalatedToCity: 0,
          escalatedToProvince: 0,
        });
    }

    const summary = await escalationSummary(db, province, { from: '2026-06-01', to: '2026-06-30' });
    expect(summary).toEqual([
      { day: '2026-06-04', overdue: [lateThenFixed], escalatedToCity: [lateThenFixed], escalatedToProvince: [] },
      { day: '2026-06-05', overdue: [cityItem], escalatedToCity: [], escalatedToProvince: [] },
      { day: '2026-06-06', overdue: [late, otherCounty], escalatedToCity: [late, otherCounty], escalatedToProvince: [] },
      // deadline 4 June + 10 days: the city's own item goes to the province on the 15th.
      { day: '2026-06-15', overdue: [], escalatedToCity: [], escalatedToProvince: [cityItem] },
      { day: '2026-06-16', overdue: [], escalatedToCity: [], escalatedToProvince: [late, otherCounty] },
    ]);
    // The summary is scoped like the items.
    expect(
      (await escalationSummary(db, otherCity, { from: '2026-06-01', to: '2026-06-30' })).flatMap((d) => [
        ...d.overdue,
        ...d.escalatedToProvince,
      ]),
    ).toEqual([otherCounty, otherCounty]);
    expect((await escalationSummary(db, county, { from: '2026-06-01', to: '2026-06-30' })).map((d) => d.day)).toEqual([
      '2026-06-04',
      '2026-06-06',
      '2026-06-16',
    ]);

    // The events tell the same story, with the system as actor.
    const detail = await getItemDetail(db, city, late, { now: at('2026-06-30') });
    expect(detail?.events.map((e) => [e.action, e.actor, e.at.slice(0, 10)])).toEqual([
      ['raised', 'monitor', expect.any(String)],
      ['confirmed', 'user:EA-user', expect.any(String)],
      ['rectifying', 'user:EA-user', expect.any(String)],
      ['overdue', 'system:escalation', '2026-06-06'],
      ['escalated', 'system:escalation', '2026-06-06'],
      ['escalated', 'system:escalation', '2026-06-16'],
    ]);
    expect(detail?.item).toMatchObject({ overdue: true, escalatedLevel: 'province' });

    // Queues: the city's holds what was escalated to it and is still there; the province's the rest.
    const now = at('2026-06-30');
    expect((await listLedger(db, city, { escalatedLevel: 'city' }, now)).items.map((i) => i.id)).toEqual([lateThenFixed]);
    expect((await listLedger(db, province, { escalatedLevel: 'province', overdue: true }, now)).items.map((i) => i.id)).toEqual([
      otherCounty,
      cityItem,
      late,
    ]);
    expect((await listLedger(db, province, { overdue: true }, now)).items.map((i) => i.id)).not.toContain(fixed);
    await expect(escalationSummary(db, province, { from: '2026-06-30', to: '2026-06-01' })).rejects.toThrow();
  });
});
