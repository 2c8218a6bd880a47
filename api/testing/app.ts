/**
 * For the API's tests: the app as main.ts builds it (buildApp) on a test database, and callers
 * signed in as a given user, so that every test goes through the same sign-in and access checks
 * as a real client.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createUser, DEFAULT_SESSION_OPTIONS, type Role, signIn } from '../../domain/access/index.ts';
import type { Db } from '../../platform/db/database.ts';
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
