/** Sign-in over HTTP: tokens, cookies, refusals, throttling, mass assignment, route policies. */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeUser, createUser } from '../../domain/access/index.ts';
import { useTestDatabase } from '../../test/database.ts';
import { registerMeters } from '../../test/fixtures/registry.ts';
import { auth } from '../http/auth.ts';
import { callerOf, signedIn, testApp } from '../testing/app.ts';

const testDb = useTestDatabase();
let app: FastifyInstance;
const PASSWORD = 'a-long-password-1';

async function user(username: string, divisionCode = '220102', role: 'admin' | 'staff' | 'auditor' = 'staff') {
  await createUser(testDb.db, { username, divisionCode, role, password: PASSWORD }, 'test');
}
const login = (username: string, password = PASSWORD, cookie = false) =>
  app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password, cookie } });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const me = (headers: Record<string, string>) => app.inject({ url: '/v1/auth/me', headers });

beforeAll(async () => {
  app = await testApp(testDb.db);
});
afterAll(() => app.close());

describe('sign-in', () => {
  it('gives tokens that work, and refreshes them', async () => {
    await user('ann');
    const res = await login('ann');
    expect(res.statusCode).toBe(200);
    const { accessToken, refreshToken } = res.json<{ accessToken: string; refreshToken: string }>();
    expect((await me(bearer(accessToken))).json()).toMatchObject({ actor: 'user:ann', divisionCode: '220102', role: 'staff' });
    const refreshed = await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } });
    expect(refreshed.statusCode).toBe(200);
    expect((await me(bearer(refreshed.json<{ accessToken: string }>().accessToken))).statusCode).toBe(200);
    expect((await me(bearer(accessToken))).statusCode).toBe(401);
  });

  it('sets HttpOnly SameSite=Strict cookies for the browser, and no token in the answer', async () => {
    await user('bo');
    const res = await login('bo', PASSWORD, true);
    expect(res.json<object>()).not.toHaveProperty('accessToken');
    const cookies = [res.headers['set-cookie']].flat().filter((c): c is string => typeof c === 'string');
    expect(cookies).toHaveLength(2);
    for (const c of cookies) {
      expect(c).toMatch(/HttpOnly/i);
      expect(c).toMatch(/SameSite=Strict/i);
    }
    const access = cookies.find((c) => c.startsWith('wim_access='))?.split(';')[0] ?? '';
    expect((await me({ cookie: access })).statusCode).toBe(200);
    const out = await app.inject({ method: 'POST', url: '/v1/auth/logout', headers: { cookie: access } });
    expect(out.statusCode).toBe(204);
    expect((await me({ cookie: access })).statusCode).toBe(401);
  });

  it('refuses tampered, expired-by-logout, disabled and changed-password tokens with 401', async () => {
    await user('cy');
    const token = (await login('cy')).json<{ accessToken: string }>().accessToken;
    expect((await me(bearer(`${token.slice(0, -2)}xx`))).statusCode).toBe(401);
    expect((await me(bearer('garbage'))).statusCode).toBe(401);
    expect((await me({})).statusCode).toBe(401);
    await changeUser(testDb.db, 'cy', { disabled: true }, 'test');
    expect((await me(bearer(token))).statusCode).toBe(401);
    await changeUser(testDb.db, 'cy', { disabled: false }, 'test');
    const again = (await login('cy')).json<{ accessToken: string }>().accessToken;
    const changed = await app.inject({
      method: 'POST',
      url: '/v1/auth/password',
      headers: bearer(again),
      payload: { currentPassword: PASSWORD, newPassword: 'another-password-2' },
    });
    expect(changed.statusCode).toBe(204);
    expect((await me(bearer(again))).statusCode).toBe(401);
  });

  it('answers 429 before 20 wrong passwords for one account, from any address', async () => {
    await user('dee');
    const statuses: number[] = [];
    for (let i = 0; i < 20 && !statuses.includes(429); i++) statuses.push((await login('dee', `wrong-${i}-password`)).statusCode);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    const events = await testDb.db.selectFrom('auth_events').select('detail').where('username', '=', 'dee').execute();
    expect(JSON.stringify(events)).not.toContain('wrong-0-password');
  });

  it('answers 401 with a problem document to a wrong password, never naming which part was wrong', async () => {
    await user('eli');
    const wrong = await login('eli', 'not-the-password');
    const unknown = await login('nobody-at-all');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(wrong.json<{ detail: string }>().detail).toBe(unknown.json<{ detail: string }>().detail);
  });
});

describe('mass assignment', () => {
  it('refuses a body that sets a division, role or clearance the caller may not, and changes nothing', async () => {
    const [m] = await registerMeters(testDb.db, { count: 1, prefix: 'MA', countyCode: '220102' });
    const county = callerOf(app, await signedIn(testDb.db, { divisionCode: '220102', role: 'staff', confidential: false }));
    const cityAdmin = callerOf(app, await signedIn(testDb.db, { divisionCode: '220100', role: 'admin', confidential: false }));
    const moved = await county({ method: 'PATCH', url: `/v1/intakes/${m?.intakeId ?? ''}`, payload: { countyCode: '220202' } });
    expect(moved.statusCode).toBe(403);
    const secret = await county({ method: 'PATCH', url: `/v1/intakes/${m?.intakeId ?? ''}`, payload: { confidential: true } });
    expect(secret.statusCode).toBe(403);
    const intake = await testDb.db
      .selectFrom('intakes')
      .select(['county_code', 'confidential'])
      .where('id', '=', m?.intakeId ?? '')
      .executeTakeFirstOrThrow();
    expect(intake).toEqual({ county_code: '220102', confidential: false });

    const above = await cityAdmin({
      method: 'POST',
      url: '/v1/users',
      payload: { username: 'ma-above', divisionCode: '220000', role: 'admin', password: PASSWORD },
    });
    expect(above.statusCode).toBe(403);
    const cleared = await cityAdmin({
      method: 'POST',
      url: '/v1/users',
      payload: { username: 'ma-cleared', divisionCode: '220102', role: 'staff', confidential: true, password: PASSWORD },
    });
    expect(cleared.statusCode).toBe(403);
    await user('ma-target', '220102', 'auditor');
    const promote = await county({ method: 'PATCH', url: '/v1/users/ma-target', payload: { role: 'admin' } });
    expect(promote.statusCode).toBe(403);
    const selfPromote = await county({
      method: 'POST',
      url: '/v1/auth/password',
      payload: { currentPassword: 'x', newPassword: 'y-long-enough-1', role: 'admin' },
    });
    expect(selfPromote.statusCode).toBe(400);
    const users = await testDb.db.selectFrom('users').select(['username', 'role']).where('username', 'like', 'ma-%').execute();
    expect(users).toEqual([{ username: 'ma-target', role: 'auditor' }]);
  });
});

describe('route policies', () => {
  it('refuses to register a /v1 route that declares no access policy', async () => {
    const bare = Fastify();
    await bare.register(auth, { db: testDb.db });
    await bare.ready();
    expect(() => bare.get('/v1/forgotten', () => 'oops')).toThrow(/declares no access policy/);
    await bare.close();
  });

  it('declares a policy on every route of the app, and shows the security schemes in OpenAPI', async () => {
    await app.ready();
    expect(app.accessTable.length).toBeGreaterThan(30);
    const doc = (await app.inject('/docs/json')).json<{
      components: { securitySchemes: Record<string, unknown> };
      paths: Record<string, Record<string, { security?: unknown }>>;
    }>();
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer', 'cookie']);
    expect(doc.paths['/v1/intakes']?.get?.security).toBeDefined();
    expect(doc.paths['/v1/auth/login']?.post?.security).toBeUndefined();
  });
});
