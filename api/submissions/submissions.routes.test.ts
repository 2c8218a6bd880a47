/** Level-by-level submissions over HTTP: submitted, returned with a note, resubmitted, accepted, late and missing. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finding, raise } from '../../domain/ledger/testing/fixtures.ts';
import { generateMonthlyReports } from '../../domain/reports/index.ts';
import { localDay } from '../../platform/local-time.ts';
import { useTestDatabase } from '../../test/database.ts';
import { registerMeters } from '../../test/fixtures/registry.ts';
import { type Caller, callerOf, signedIn, testApp } from '../testing/app.ts';

const testDb = useTestDatabase();
let app: FastifyInstance;
let county: Caller;
let city: Caller;
let otherCounty: Caller;
let auditor: Caller;
const today = localDay(Date.now());
const year = today.slice(0, 4);
const month = today.slice(0, 7);

interface Submission {
  id: string;
  status: string;
  late: boolean;
  divisionCode: string;
  toDivisionCode: string;
  reviewNote: string | null;
  snapshot?: unknown;
}

beforeAll(async () => {
  const [m] = await registerMeters(testDb.db, { count: 1, prefix: 'SB', countyCode: '220102' });
  if (!m) throw new Error('fixture');
  await raise(testDb.db, finding(m.intakeId, { subject: m.meterId }));
  await generateMonthlyReports(testDb.db, month, new Date());
  app = await testApp(testDb.db);
  const user = async (divisionCode: string, role: 'staff' | 'auditor' = 'staff') =>
    callerOf(app, await signedIn(testDb.db, { divisionCode, role, confidential: false }));
  county = await user('220102');
  city = await user('220100');
  otherCounty = await user('220202');
  auditor = await user('220100', 'auditor');
});
afterAll(() => app.close());

const post = (who: Caller, url: string, payload: object) => who({ method: 'POST', url, payload });

describe('submissions over HTTP', () => {
  it('goes county to city: returned with a note, submitted again, accepted; the city then submits its own', async () => {
    const first = await post(county, '/v1/submissions', { kind: 'ledger', period: year });
    expect(first.statusCode).toBe(201);
    const s = first.json<Submission>();
    // The ledger of a year is due by 30 April: this one is late.
    expect(s).toMatchObject({ status: 'submitted', divisionCode: '220102', toDivisionCode: '220100', late: today > `${year}-04-30` });
    expect((await post(county, '/v1/submissions', { kind: 'ledger', period: year })).statusCode).toBe(409);
    // The city may not submit while a county's awaits its review.
    expect((await post(city, '/v1/submissions', { kind: 'ledger', period: year })).statusCode).toBe(409);
    expect((await post(city, `/v1/submissions/${s.id}/review`, { decision: 'return' })).statusCode).toBe(400);
    expect((await post(county, `/v1/submissions/${s.id}/review`, { decision: 'accept' })).statusCode).toBe(403);
    expect((await post(auditor, `/v1/submissions/${s.id}/review`, { decision: 'accept' })).statusCode).toBe(403);
    const returned = await post(city, `/v1/submissions/${s.id}/review`, { decision: 'return', note: '请补充责任人' });
    expect(returned.json<Submission>()).toMatchObject({ status: 'returned', reviewNote: '请补充责任人' });
    expect((await post(city, `/v1/submissions/${s.id}/review`, { decision: 'accept' })).statusCode).toBe(409);
    const again = (await post(county, '/v1/submissions', { kind: 'ledger', period: year })).json<Submission>();
    expect((await post(city, `/v1/submissions/${again.id}/review`, { decision: 'accept' })).json<Submission>().status).toBe('accepted');
    const own = await post(city, '/v1/submissions', { kind: 'ledger', period: year });
    expect(own.statusCode).toBe(201);
    const snapshot = (await city(`/v1/submissions/${own.json<Submission>().id}`)).json<Submission>().snapshot as {
      acceptedFromCounties: { divisionCode: string }[];
      totals: { items: number };
    };
    expect(snapshot.acceptedFromCounties.map((c) => c.divisionCode)).toEqual(['220102']);
    expect(snapshot.totals.items).toBe(1);
    const list = (await city('/v1/submissions?kind=ledger')).json<{ items: Submission[] }>().items;
    expect(list.map((x) => [x.divisionCode, x.status])).toEqual([
      ['220100', 'submitted'],
      ['220102', 'accepted'],
      ['220102', 'returned'],
    ]);
    expect(list.every((x) => x.snapshot === undefined)).toBe(true);
  });

  it('answers 404 for a submission outside the division, and refuses auditors', async () => {
    const s = (await post(county, '/v1/submissions', { kind: 'registration', period: year })).json<Submission>();
    expect((await otherCounty(`/v1/submissions/${s.id}`)).statusCode).toBe(404);
    expect((await otherCounty('/v1/submissions/99999')).statusCode).toBe(404);
    expect((await post(otherCounty, `/v1/submissions/${s.id}/review`, { decision: 'accept' })).statusCode).toBe(404);
    expect((await otherCounty('/v1/submissions')).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await post(auditor, '/v1/submissions', { kind: 'registration', period: year })).statusCode).toBe(403);
    expect((await post(county, '/v1/submissions', { kind: 'monthly', period: year })).statusCode).toBe(400);
  });

  it('lists late and missing submissions, and a monthly report submitted on time', async () => {
    const monthly = await post(county, '/v1/submissions', { kind: 'monthly', period: month });
    expect(monthly.statusCode).toBe(201);
    // Due by the 3rd of the next month: on time whenever in the month it is submitted.
    expect(monthly.json<Submission>().late).toBe(false);
    const states = (await city(`/v1/submissions/states?kind=monthly&period=${month}`)).json<{
      items: { divisionCode: string; state: string }[];
    }>().items;
    expect(states.find((x) => x.divisionCode === '220102')?.state).toBe('on_time');
    expect(states.find((x) => x.divisionCode === '220100')?.state).toBe('not_yet_due');
    const late = (await city(`/v1/submissions/states?kind=registration&period=${year}&onlyLateOrMissing=true`)).json<{
      items: { divisionCode: string; state: string }[];
    }>().items;
    const pastDue = today > `${year}-08-31`;
    expect(late.find((x) => x.divisionCode === '220102')?.state).toBe(pastDue ? 'late' : undefined);
    if (pastDue) expect(late.filter((x) => x.state === 'missing').map((x) => x.divisionCode)).toContain('220103');
    expect((await city(`/v1/submissions/states?kind=monthly&period=${year}`)).statusCode).toBe(400);
  });
});
