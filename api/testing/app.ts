/**
 * For the API's tests: the app as main.ts builds it (buildApp) on a test database, and callers
 * signed in as a given user, so that every test goes through the same sign-in and access checks
 * as a real client.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { createUser, DEFAULT_SESSION_OPTIONS, type Role, signIn } from '../../domain/access/index.ts';
import type { Db } from '../../platform/db/database.ts';
import type { TestDatabase } from '../../test/database.ts';
import { type AppDependencies, buildApp } from '../app.ts';

export const TEST_APP_CONFIG = {
  logLevel: 'silent',
  provinceCode: '220000',
  importDuplicateDistanceM: 100,
  auth: { sessions: DEFAULT_SESSION_OPTIONS, loginsPerMinute: 10_000, secureCookies: false },
  reviewPage: { tileUrl: undefined, tileAttribution: '' },
} as const;

/** `more`: the optional dependencies main.ts gives (e.g. `readings`); none by default. */
export function testApp(db: Db, more: Omit<AppDependencies, 'config' | 'db'> = {}): Promise<FastifyInstance> {
  return buildApp({ config: TEST_APP_CONFIG, db, ...more });
}

export interface TestUser {
  divisionCode?: string;
  role?: Role;
  confidential?: boolean;
}

let users = 0;
const PASSWORD = 'test-password-1234';

/** A new user of this kind (province admin with the clearance by default), signed in: its headers. */
export async function signedIn(db: Db, u: TestUser = {}): Promise<Record<string, string>> {
  const username = `test-${process.pid}-${++users}`;
  await createUser(
    db,
    {
      username,
      divisionCode: u.divisionCode ?? '220000',
      role: u.role ?? 'admin',
      confidential: u.confidential ?? true,
      password: PASSWORD,
    },
    'test',
  );
  const { tokens } = await signIn(db, { username, password: PASSWORD, address: null });
  return { authorization: `Bearer ${tokens.accessToken}` };
}

export type Caller = (request: string | InjectOptions) => Promise<LightMyRequestResponse>;

/** app.inject with these headers added to every request. */
export function callerOf(app: FastifyInstance, headers: Record<string, string>): Caller {
  return (request) => {
    const options: InjectOptions = typeof request === 'string' ? { url: request } : request;
    return app.inject({ ...options, headers: { ...headers, ...(options.headers as Record<string, string> | undefined) } });
  };
}

/**
 * For a test file: the app on the file's database, built before its tests and closed after them,
 * and a caller signed in as a province admin with the clearance. Call it after useTestDatabase(),
 * at the top of the file; the caller works inside tests and the file's later hooks.
 */
export function useSignedInApp(testDb: TestDatabase): Caller {
  let app: FastifyInstance | undefined;
  let caller: Caller | undefined;
  beforeAll(async () => {
    app = await testApp(testDb.db);
    caller = callerOf(app, await signedIn(testDb.db));
  });
  afterAll(() => app?.close());
  return (request) => {
    if (!caller) throw new Error('useSignedInApp: the app is built in beforeAll; call it inside a test or a later hook');
    return caller(request);
  };
}
