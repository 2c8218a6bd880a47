/**
 * The access matrix (docs/api.md, "Access"), generated from the app's own route table: every route
 * that names an object in its path is called by each kind of user, in and out of the object's
 * division, with and without the clearance, on ordinary and confidential records, and must answer
 * what the policy says: 403 below the route's policy, 404 for an object the caller may not see
 * (exactly as for one that does not exist), success otherwise. A new route with a path parameter
 * joins the matrix by itself, and fails it until it has a fixture below.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canSee, covers, createApiKey, createUser, permits, type Principal } from '../domain/access/index.ts';
import { createHash } from 'node:crypto';
import { finding, principal as ledgerPrincipal, raise } from '../domain/ledger/testing/fixtures.ts';
import { generateMonthlyReports } from '../domain/reports/index.ts';
import { submit } from '../domain/submissions/index.ts';
import { MergedInfluxReader } from '../platform/influx/readings-reader.ts';
import { localDay } from '../platform/local-time.ts';
import { useTestDatabase } from '../test/database.ts';
import { registerMeters } from '../test/fixtures/registry.ts';
import { testInfluxConfig } from '../test/services/influxdb.ts';
import type { RouteAccess } from './http/auth.ts';
import { callerOf, signedIn, type TestUser, testApp } from './testing/app.ts';

const testDb = useTestDatabase();
const COUNTY = '220102';
const month = localDay(Date.now()).slice(0, 7);
let app: FastifyInstance;
let fixtureCount = 0;

type Kind = 'ordinary' | 'confidential';
/** One call on a fresh object: where it sits, for the expectation, and the request. */
interface Target {
  url: string;
  body?: Record<string, unknown>;
  countyCode: string;
  confidential: boolean;
  /** A route whose objects are everyone's (the divisions). */
  unscoped?: boolean;
  /** A route with a rule of its own beyond scope (who reviews, who writes a narrative). */
  expectFor?: (caller: Principal) => Outcome;
}

type Outcome = 'denied' | 'hidden' | 'ok';

async function intake(kind: Kind): Promise<{ intakeId: string; meterId: string; meterRowId: string }> {
  const [m] = await registerMeters(testDb.db, { count: 1, prefix: `AM${++fixtureCount}`, countyCode: COUNTY });
  if (!m) throw new Error('fixture');
  if (kind === 'confidential') await testDb.db.updateTable('intakes').set({ confidential: true }).where('id', '=', m.intakeId).execute();
  const row = await testDb.db.selectFrom('meters').select('id').where('meter_id', '=', m.meterId).executeTakeFirstOrThrow();
  return { intakeId: m.intakeId, meterId: m.meterId, meterRowId: row.id };
}

async function permitOf(intakeId: string): Promise<string> {
  const row = await testDb.db
    .insertInto('permits')
    .values({
      permit_number: `AM-P-${++fixtureCount}`,
      intake_id: intakeId,
      issuing_level: 'county',
      valid_from: '2026-01-01',
      valid_to: '2030-12-31',
      annual_volume_m3: 100_000,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const onIntake = async (kind: Kind) => ({ ...(await intake(kind)), countyCode: COUNTY, confidential: kind === 'confidential' });

/** A fresh object for each route that names one; undefined where the kind does not apply. */
const FIXTURES: Record<string, (kind: Kind) => Promise<Target | undefined>> = {
  'GET /v1/units/:id': (k) => unitTarget(k, (id) => `/v1/units/${id}`),
  'PATCH /v1/units/:id': (k) => unitTarget(k, (id) => `/v1/units/${id}`, {}),
  'POST /v1/units/:id/retire': (k) => unitTarget(k, (id) => `/v1/units/${id}/retire`),
  'GET /v1/intakes/:id': async (k) => {
    const i = await onIntake(k);
    return { ...i, url: `/v1/intakes/${i.intakeId}` };
  },
  'PATCH /v1/intakes/:id': async (k) => {
    const i = await onIntake(k);
    return { ...i, url: `/v1/intakes/${i.intakeId}`, body: {} };
  },
  'POST /v1/intakes/:id/retire': async (k) => {
    const i = await onIntake(k);
    return { ...i, url: `/v1/intakes/${i.intakeId}/retire` };
  },
  'GET /v1/permits/:id': async (k) => {
    const i = await onIntake(k);
    return { ...i, url: `/v1/permits/${await permitOf(i.intakeId)}` };
  },
  'PATCH /v1/permits/:id': async (k) => {
    const i = await onIntake(k);
    return { ...i, url: `/v1/permits/${await permitOf(i.intakeId)}`, body: {} };
  },
  'POST /v1/permits/:id/retire': async (k) => {
    const i = await onIntake(k);
    return { ...i, url: `/v1/permits/${await permitOf(i.intakeId)}/retire` };
  },
  'GET /v1/meters/:id': async (k) => {
    const i = await onIntake(k);
    return { ...i, url: `/v1/meters/${i.meterRowId}` };
  },
  'PATCH /v1/meters/:id': async (k) => {
    const i = await onIntake(k);
    return { ...i, url: `/v1/meters/${i.meterRowId}`, body: {} };
  },
  'POST /v1/meters/:id/retire': async (k) => {
    const i = await onIntake(k);
    return { ...i, url: `/v1/meters/${i.meterRowId}/retire` };
  },
  'POST /v1/meters/:id/replace': async (k) => {
    const i = await onIntake(k);
    const newMeter = { meterId: `${i.meterId}-R`, meterType: 'ultrasonic', readingMode: 'online', installedOn: '2026-03-01' };
    return {
      ...i,
      url: `/v1/meters/${i.meterRowId}/replace`,
      body: { newMeter, replacedAt: '2026-03-01T10:00:00+08:00', oldFinalTotalM3: 10 },
    };
  },
  'GET /v1/ledger/items/:id': async (k) => ({
    url: `/v1/ledger/items/${(await ledgerItem(k)).itemId}`,
    countyCode: COUNTY,
    confidential: k === 'confidential',
  }),
  'GET /v1/ledger/items/:id/readings': async (k) => ({
    url: `/v1/ledger/items/${(await ledgerItem(k)).itemId}/readings`,
    countyCode: COUNTY,
    confidential: k === 'confidential',
  }),
  'POST /v1/ledger/items/:id/transitions': async (k) => ({
    url: `/v1/ledger/items/${(await ledgerItem(k)).itemId}/transitions`,
    body: { action: 'confirm', note: 'matrix' },
    countyCode: COUNTY,
    confidential: k === 'confidential',
  }),
  'GET /v1/ledger/attachments/:id': async (k) => {
    const { itemId } = await ledgerItem(k);
    const event = await testDb.db.selectFrom('ledger_events').select('id').where('item_id', '=', itemId).executeTakeFirstOrThrow();
    const pdf = Buffer.from('%PDF-1.4\n%matrix\n');
    const row = await testDb.db
      .insertInto('ledger_attachments')
      .values({
        item_id: itemId,
        event_id: event.id,
        filename: 'a.pdf',
        media_type: 'application/pdf',
        size_bytes: pdf.length,
        sha256: createHash('sha256').update(pdf).digest(),
        content: pdf,
        uploaded_by: 'test',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { url: `/v1/ledger/attachments/${row.id}`, countyCode: COUNTY, confidential: k === 'confidential' };
  },
  'GET /v1/accounts/intakes/:id': async (k) => {
    const i = await onIntake(k);
    return { ...i, url: `/v1/accounts/intakes/${i.intakeId}?year=${month.slice(0, 4)}` };
  },
  'GET /v1/submissions/:id': async (k) =>
    k === 'ordinary' ? { url: `/v1/submissions/${await countySubmission()}`, countyCode: COUNTY, confidential: false } : undefined,
  'POST /v1/submissions/:id/review': async (k) => {
    if (k === 'confidential') return undefined;
    const id = await countySubmission();
    const reviewer = (p: Principal): Outcome => (!covers(p, COUNTY) ? 'hidden' : p.divisionCode === '220100' ? 'ok' : 'denied');
    return {
      url: `/v1/submissions/${id}/review`,
      body: { decision: 'accept' },
      countyCode: COUNTY,
      confidential: false,
      expectFor: reviewer,
    };
  },
  'GET /v1/reports/monthly/:month/:divisionCode/report': (k) =>
    Promise.resolve(
      k === 'ordinary' ? { url: `/v1/reports/monthly/${month}/${COUNTY}/report`, countyCode: COUNTY, confidential: false } : undefined,
    ),
  'PUT /v1/reports/monthly/:month/:divisionCode/narrative': (k) => {
    if (k === 'confidential') return Promise.resolve(undefined);
    const author = (p: Principal): Outcome => (!covers(p, COUNTY) ? 'hidden' : p.divisionCode === COUNTY ? 'ok' : 'denied');
    return Promise.resolve({
      url: `/v1/reports/monthly/${month}/${COUNTY}/narrative`,
      body: { workDone: '核查', results: '', difficulties: '', suggestions: '' },
      countyCode: COUNTY,
      confidential: false,
      expectFor: author,
    });
  },
  'GET /v1/divisions/:code': () =>
    Promise.resolve({ url: `/v1/divisions/${COUNTY}`, countyCode: COUNTY, confidential: false, unscoped: true }),
  'GET /v1/reports/monthly/:month/:divisionCode': (k) =>
    Promise.resolve(
      k === 'ordinary' ? { url: `/v1/reports/monthly/${month}/${COUNTY}`, countyCode: COUNTY, confidential: false } : undefined,
    ),
  'PATCH /v1/users/:username': (k) => userTarget(k, (name) => `/v1/users/${name}`, { displayName: '改名' }),
  'POST /v1/users/:username/password': (k) => userTarget(k, (name) => `/v1/users/${name}/password`, { password: 'a-new-password-123' }),
  'POST /v1/api-keys/:id/revoke': async (k) => {
    if (k === 'confidential') return undefined;
    const { record } = await createApiKey(testDb.db, { name: 'matrix', divisionCode: COUNTY, scope: 'read' }, 'test');
    return { url: `/v1/api-keys/${record.id}/revoke`, countyCode: COUNTY, confidential: false };
  },
};

async function ledgerItem(kind: Kind): Promise<{ itemId: string; intakeId: string }> {
  const i = await intake(kind);
  const now = Date.now();
  const itemId = await raise(
    testDb.db,
    finding(i.intakeId, { windowStartMs: now - 3_600_000, windowEndMs: now, subject: i.meterId, countyCode: COUNTY }),
  );
  return { itemId, intakeId: i.intakeId };
}

/** A fresh county submission (a registration summary of a year of its own), reviewed by its city. */
let submissionYear = 2000;
async function countySubmission(): Promise<string> {
  const s = await submit(testDb.db, ledgerPrincipal(`sub-${++fixtureCount}`, COUNTY), {
    kind: 'registration',
    period: String(++submissionYear),
  });
  return s.id;
}

async function unitTarget(kind: Kind, url: (id: string) => string, body?: Record<string, unknown>): Promise<Target | undefined> {
  if (kind === 'confidential') return undefined; // a unit is never confidential itself
  const row = await testDb.db
    .insertInto('withdrawal_units')
    .values({ name: `AM unit ${++fixtureCount}`, kind: 'person', county_code: COUNTY })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { url: url(row.id), countyCode: COUNTY, confidential: false, ...(body ? { body } : {}) };
}

async function userTarget(kind: Kind, url: (name: string) => string, body: Record<string, unknown>): Promise<Target | undefined> {
  if (kind === 'confidential') return undefined;
  const username = `matrix-${process.pid}-${++fixtureCount}`;
  await createUser(testDb.db, { username, divisionCode: COUNTY, role: 'staff', password: 'matrix-password-1' }, 'test');
  return { url: url(username), body, countyCode: COUNTY, confidential: false };
}

const CALLERS: (TestUser & { name: string })[] = [
  { name: 'county staff', divisionCode: COUNTY, role: 'staff', confidential: false },
  { name: 'county staff of another county', divisionCode: '220103', role: 'staff', confidential: false },
  { name: 'county auditor', divisionCode: COUNTY, role: 'auditor', confidential: false },
  { name: 'city admin', divisionCode: '220100', role: 'admin', confidential: false },
  { name: 'admin of another city', divisionCode: '220200', role: 'admin', confidential: false },
  { name: 'province staff without clearance', divisionCode: '220000', role: 'staff', confidential: false },
  { name: 'province admin with clearance', divisionCode: '220000', role: 'admin', confidential: true },
];

function expectedStatus(route: RouteAccess, caller: Principal, target: Target): Outcome {
  if (!permits(caller, route.access)) return 'denied';
  if (target.unscoped) return 'ok';
  if (target.expectFor) return target.expectFor(caller);
  const visible =
    route.url.startsWith('/v1/users') || route.url.startsWith('/v1/api-keys') ? covers(caller, target.countyCode) : canSee(caller, target);
  return visible ? 'ok' : 'hidden';
}

beforeAll(async () => {
  // InfluxDB without a database yet: the readings route answers (no readings) rather than 503.
  app = await testApp(testDb.db, { readings: MergedInfluxReader.of(testInfluxConfig()) });
  await app.ready();
  await registerMeters(testDb.db, { count: 1, prefix: 'AM-REPORT', countyCode: COUNTY });
  await generateMonthlyReports(testDb.db, month);
});
afterAll(() => app.close());

describe('the access matrix over every route that names an object', () => {
  it('covers every such route with a fixture', () => {
    const named = app.accessTable.filter((r) => r.url.includes('/:') && r.method !== 'HEAD');
    expect(named.length).toBeGreaterThan(10);
    expect(named.map((r) => `${r.method} ${r.url}`).filter((key) => !(key in FIXTURES))).toEqual([]);
  });

  it('answers each caller as the route policy and the object scope say', async () => {
    const named = app.accessTable.filter((r) => r.url.includes('/:') && r.method !== 'HEAD');
    const outcomes: string[] = [];
    for (const caller of CALLERS) {
      const headers = await signedIn(testDb.db, caller);
      const call = callerOf(app, headers);
      const principal: Principal = {
        actor: 'x',
        kind: 'user',
        id: '0',
        divisionCode: caller.divisionCode ?? '',
        role: caller.role ?? 'staff',
        confidential: caller.confidential ?? false,
      };
      for (const route of named) {
        for (const kind of ['ordinary', 'confidential'] as const) {
          const target = await FIXTURES[`${route.method} ${route.url}`]?.(kind);
          if (!target) continue;
          const res = await call({ method: route.method as 'GET', url: target.url, ...(target.body ? { payload: target.body } : {}) });
          const expected = expectedStatus(route, principal, target);
          const got =
            res.statusCode === 403
              ? 'denied'
              : res.statusCode === 404
                ? 'hidden'
                : res.statusCode < 300
                  ? 'ok'
                  : `status ${res.statusCode}: ${res.body.slice(0, 200)}`;
          if (got !== expected)
            outcomes.push(`${caller.name}, ${route.method} ${route.url} on a ${kind} record: expected ${expected}, got ${got}`);
        }
      }
    }
    expect(outcomes).toEqual([]);
  });

  it('answers 404 for an object outside the division exactly as for one that does not exist', async () => {
    const call = callerOf(app, await signedIn(testDb.db, { divisionCode: '220103', role: 'staff', confidential: false }));
    const { intakeId } = await intake('ordinary');
    const outside = await call(`/v1/intakes/${intakeId}`);
    const missing = await call('/v1/intakes/999999999');
    expect(outside.statusCode).toBe(404);
    expect({ ...outside.json<object>(), detail: '', instance: '' }).toEqual({ ...missing.json<object>(), detail: '', instance: '' });
  });
});
