/** Submissions county -> city -> province: submitted, returned, accepted, late and missing. */
import { describe, expect, it } from 'vitest';
import { localDayStart } from '../../platform/local-time.ts';
import { useTestDatabase } from '../../test/database.ts';
import { finding, makeConfidential, principal, raise, registeredIntake } from '../ledger/testing/fixtures.ts';
import { generateMonthlyReports, type RectificationTable, saveMonthlyNarrative } from '../reports/index.ts';
import { dueOn } from './deadlines.ts';
import { getSubmission, listSubmissions, reviewSubmission, submissionStates, submit, SubmissionError } from './submissions.ts';

const testDb = useTestDatabase();
const county = principal('county', '220102');
const county3 = principal('county3', '220103');
const city = principal('city', '220100');
const otherCity = principal('other', '220200');
const province = principal('province', '220000', 'staff', true);
const auditor = principal('auditor', '220100', 'auditor');
const on = (d: string) => new Date(localDayStart(d) + 10 * 3_600_000);

async function code(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (err) {
    if (err instanceof SubmissionError) return err.code;
    throw err;
  }
  throw new Error('expected a SubmissionError');
}

describe('deadlines', () => {
  it('follow the plan: monthly by the 3rd / 6th, ledger by 30 April / 31 May, registration by end of August / September', () => {
    expect(dueOn('monthly', 'county', '2026-05')).toBe('2026-06-03');
    expect(dueOn('monthly', 'city', '2026-12')).toBe('2027-01-06');
    expect(dueOn('ledger', 'county', '2026')).toBe('2026-04-30');
    expect(dueOn('registration', 'city', '2026')).toBe('2026-09-30');
    expect(
      dueOn('ledger', 'county', '2026', {
        monthly: { county: 3, city: 6 },
        ledger: { county: '02-29', city: '05-31' },
        registration: { county: '08-31', city: '09-30' },
      }),
    ).toBe('2026-02-28');
  });
});

describe('submissions', () => {
  it('goes county -> city -> province with reviews, frozen snapshots without confidential intakes, late and missing listed', async () => {
    const db = testDb.db;
    const open = await raise(db, finding(await registeredIntake(db, 'SA'), { summary: '计量设施无数据' }), on('2026-04-01'));
    const secretIntake = await registeredIntake(db, 'SB');
    await makeConfidential(db, secretIntake);
    await raise(db, finding(secretIntake), on('2026-04-01'));

    const first = await submit(db, county, { kind: 'ledger', period: '2026' }, { now: on('2026-04-20') });
    expect(first).toMatchObject({
      status: 'submitted',
      toDivisionCode: '220100',
      level: 'county',
      dueOn: '2026-04-30',
      late: false,
      submittedBy: 'user:county',
    });
    const table = first.snapshot as RectificationTable;
    expect(table.rows.map((r) => r.itemId)).toEqual([open]);
    expect(table.totals).toEqual({ items: 1, byStatus: { raised: 1 } });
    expect(await code(submit(db, county, { kind: 'ledger', period: '2026' }, { now: on('2026-04-21') }))).toBe('conflict');
    expect(await code(submit(db, auditor, { kind: 'ledger', period: '2026' }))).toBe('forbidden');
    expect(await code(submit(db, province, { kind: 'ledger', period: '2026' }))).toBe('forbidden');

    // The city reviews before it submits its own; only the city reviews.
    expect(await code(submit(db, city, { kind: 'ledger', period: '2026' }, { now: on('2026-04-25') }))).toBe('conflict');
    expect(await code(reviewSubmission(db, county, first.id, { decision: 'accept' }))).toBe('forbidden');
    expect(await code(reviewSubmission(db, otherCity, first.id, { decision: 'accept' }))).toBe('not_found');
    await expect(reviewSubmission(db, city, first.id, { decision: 'return' })).rejects.toThrow(/needs a note/);
    const returned = await reviewSubmission(db, city, first.id, { decision: 'return', note: '请补充整改措施' }, { now: on('2026-04-26') });
    expect(returned).toMatchObject({ status: 'returned', reviewedBy: 'user:city', reviewNote: '请补充整改措施' });
    expect(await code(reviewSubmission(db, city, first.id, { decision: 'accept' }))).toBe('conflict');

    // 1 May: the county's new submission is late; 220103 has not submitted at all.
    const states = await submissionStates(db, city, { kind: 'ledger', period: '2026' }, { now: on('2026-05-01') });
    expect(states.find((s) => s.divisionCode === '220102')).toMatchObject({ state: 'missing', submissionId: null });
    const again = await submit(db, county, { kind: 'ledger', period: '2026' }, { now: on('2026-05-02') });
    expect(again.late).toBe(true);
    const lateOrMissing = await submissionStates(
      db,
      city,
      { kind: 'ledger', period: '2026' },
      { now: on('2026-05-02'), onlyLateOrMissing: true },
    );
    expect(lateOrMissing.find((s) => s.divisionCode === '220102')).toMatchObject({
      state: 'late',
      submissionId: again.id,
      status: 'submitted',
    });
    expect(lateOrMissing.find((s) => s.divisionCode === '220103')).toMatchObject({ state: 'missing' });
    expect(lateOrMissing.find((s) => s.divisionCode === '220100')).toBeUndefined(); // the city's own is due 31 May
    expect(lateOrMissing.every((s) => s.divisionCode.startsWith('2201'))).toBe(true);

    await reviewSubmission(db, city, again.id, { decision: 'accept' });
    const citys = await submit(db, city, { kind: 'ledger', period: '2026' }, { now: on('2026-05-20') });
    expect(citys).toMatchObject({ level: 'city', toDivisionCode: '220000', late: false });
    expect((citys.snapshot as { acceptedFromCounties: unknown[] }).acceptedFromCounties).toEqual([
      { submissionId: again.id, divisionCode: '220102' },
    ]);
    expect((citys.snapshot as RectificationTable).rows.map((r) => r.itemId)).toEqual([open]);
    expect((await reviewSubmission(db, province, citys.id, { decision: 'accept' })).status).toBe('accepted');

    // Frozen: the ledger moves on, the snapshot does not.
    await raise(db, finding(await registeredIntake(db, 'SC')));
    expect(((await getSubmission(db, province, again.id))?.snapshot as RectificationTable).rows).toHaveLength(1);
    expect(await getSubmission(db, otherCity, again.id)).toBeUndefined();
    expect(await getSubmission(db, county3, again.id)).toBeUndefined();
    expect((await listSubmissions(db, city, { kind: 'ledger' })).map((s) => [s.divisionCode, s.status])).toEqual([
      ['220100', 'accepted'],
      ['220102', 'accepted'],
      ['220102', 'returned'],
    ]);
    expect(await listSubmissions(db, county3)).toEqual([]);
  });

  it('submits the monthly report with its narrative and the registration summary', async () => {
    const db = testDb.db;
    await generateMonthlyReports(db, '2026-05', on('2026-06-01'));
    expect(await code(submit(db, county, { kind: 'monthly', period: '2026-04' }))).toBe('not_ready');
    await saveMonthlyNarrative(
      db,
      county,
      { month: '2026-05', divisionCode: '220102' },
      { workDone: '核查12处', results: '销号3项', difficulties: '无', suggestions: '无' },
    );
    const monthly = await submit(db, county, { kind: 'monthly', period: '2026-05' }, { now: on('2026-06-04') });
    expect(monthly).toMatchObject({ dueOn: '2026-06-03', late: true });
    expect(monthly.snapshot).toMatchObject({
      narrative: { workDone: '核查12处', results: '销号3项' },
      confidentialIncluded: false,
      figures: { divisionCode: '220102', month: '2026-05' },
    });
    await expect(submit(db, county, { kind: 'monthly', period: '2026' })).rejects.toThrow(/YYYY-MM/);

    const registration = await submit(db, county, { kind: 'registration', period: '2026' }, { now: on('2026-08-01') });
    // SA and SC; the confidential SB is left out.
    expect(registration.snapshot).toMatchObject({
      divisionCode: '220102',
      totals: { intakes: 2, byPermit: { none: 2 }, byMetering: { online: 2 } },
    });
  });
});
