/**
 * Sign-in sessions: a short-lived access token and a longer refresh token, both opaque random
 * secrets kept only as hashes. Refreshing spends the refresh token (a stolen one works once, and
 * its use ends the legitimate session's next refresh). A token is checked against its user on
 * every request, so a disabled user is refused at once; changing a user ends its sessions.
 *
 * Failed sign-ins are counted per account from the audit trail: past `maxFailures` within
 * `failureWindowS`, sign-in is refused before the password is even checked.
 */
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { recordAuthEvent } from './audit.ts';
import { AccessError } from './errors.ts';
import type { Principal } from './principal.ts';
import { digest, newSecret, UNMATCHABLE_HASH, verifyPassword } from './secrets.ts';

export interface SessionOptions {
  /** Lifetime of an access token, seconds. Default 900 (15 minutes). */
  accessTtlS: number;
  /** Lifetime of a refresh token, seconds. Default 604800 (7 days). */
  refreshTtlS: number;
  /** Failed sign-ins for one account that stop further attempts. Default 10. */
  maxFailures: number;
  /** The window those failures are counted in, seconds. Default 900. */
  failureWindowS: number;
}

export const DEFAULT_SESSION_OPTIONS: SessionOptions = { accessTtlS: 900, refreshTtlS: 604_800, maxFailures: 10, failureWindowS: 900 };

export interface SessionTokens {
  accessToken: string;
  accessExpiresAt: Date;
  refreshToken: string;
  refreshExpiresAt: Date;
}

export interface SignIn {
  tokens: SessionTokens;
  principal: Principal;
}

interface UserPowers {
  id: string;
  username: string;
  division_code: string;
  role: Principal['role'];
  confidential: boolean;
}

const userPrincipal = (u: UserPowers): Principal => ({
  actor: `user:${u.username}`,
  kind: 'user',
  id: u.id,
  divisionCode: u.division_code,
  role: u.role,
  confidential: u.confidential,
});

async function openSession(db: Db, userId: string, address: string | null, o: SessionOptions): Promise<SessionTokens> {
  const now = Date.now();
  const tokens: SessionTokens = {
    accessToken: newSecret(),
    accessExpiresAt: new Date(now + o.accessTtlS * 1000),
    refreshToken: newSecret(),
    refreshExpiresAt: new Date(now + o.refreshTtlS * 1000),
  };
  await db
    .insertInto('auth_sessions')
    .values({
      user_id: userId,
      access_hash: digest(tokens.accessToken),
      access_expires_at: tokens.accessExpiresAt,
      refresh_hash: digest(tokens.refreshToken),
      refresh_expires_at: tokens.refreshExpiresAt,
      address,
    })
    .execute();
  return tokens;
}

async function recentFailures(db: Db, username: string, windowS: number): Promise<number> {
  const row = await db
    .selectFrom('auth_events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('kind', '=', 'login_failed')
    .where('username', '=', username)
    .where('at', '>', sql<Date>`now() - make_interval(secs => ${windowS})`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function signIn(
  db: Db,
  credentials: { username: string; password: string; address: string | null },
  o: SessionOptions = DEFAULT_SESSION_OPTIONS,
): Promise<SignIn> {
  const { username, password, address } = credentials;
  if ((await recentFailures(db, username, o.failureWindowS)) >= o.maxFailures) {
    await recordAuthEvent(db, { kind: 'login_throttled', actor: 'anonymous', username, address });
    throw new AccessError('too_many_attempts', 'too many failed sign-ins for this account; try again later');
  }
  const u = await db
    .selectFrom('users')
    .select(['id', 'username', 'division_code', 'role', 'confidential', 'disabled', 'password_hash'])
    .where('username', '=', username)
    .executeTakeFirst();
  const matches = await verifyPassword(password, u?.password_hash ?? UNMATCHABLE_HASH);
  if (!u || !matches || u.disabled) {
    await recordAuthEvent(db, {
      kind: 'login_failed',
      actor: 'anonymous',
      username,
      address,
      detail: { reason: !u ? 'unknown user' : !matches ? 'wrong password' : 'disabled' },
    });
    throw new AccessError('invalid_credentials', 'wrong username or password');
  }
  await db.deleteFrom('auth_sessions').where('refresh_expires_at', '<', new Date()).execute();
  const tokens = await openSession(db, u.id, address, o);
  await recordAuthEvent(db, { kind: 'login', actor: `user:${u.username}`, username, address });
  return { tokens, principal: userPrincipal(u) };
}

/** A new pair for a valid refresh token; the old session ends. */
export async function refreshSession(
  db: Db,
  refreshToken: string,
  address: string | null,
  o: SessionOptions = DEFAULT_SESSION_OPTIONS,
): Promise<SignIn> {
  const spent = await db
    .deleteFrom('auth_sessions')
    .where('refresh_hash', '=', digest(refreshToken))
    .where('refresh_expires_at', '>', new Date())
    .returning('user_id')
    .executeTakeFirst();
  const u =
    spent &&
    (await db
      .selectFrom('users')
      .select(['id', 'username', 'division_code', 'role', 'confidential', 'disabled'])
      .where('id', '=', spent.user_id)
      .executeTakeFirst());
  if (!u || u.disabled) throw new AccessError('invalid_credentials', 'the refresh token is not valid');
  const tokens = await openSession(db, u.id, address, o);
  await recordAuthEvent(db, { kind: 'refresh', actor: `user:${u.username}`, username: u.username, address });
  return { tokens, principal: userPrincipal(u) };
}

/** Ends the session of this access token (or refresh token); unknown tokens end nothing. */
export async function signOut(db: Db, token: string, address: string | null): Promise<void> {
  const hash = digest(token);
  const ended = await db
    .deleteFrom('auth_sessions')
    .where((eb) => eb.or([eb('access_hash', '=', hash), eb('refresh_hash', '=', hash)]))
    .returning('user_id')
    .executeTakeFirst();
  if (!ended) return;
  const u = await db.selectFrom('users').select('username').where('id', '=', ended.user_id).executeTakeFirst();
  await recordAuthEvent(db, { kind: 'logout', actor: `user:${u?.username ?? ended.user_id}`, username: u?.username ?? null, address });
}

/** The user behind a live access token, if it is one and the user is not disabled. */
export async function authenticateToken(db: Db, accessToken: string): Promise<Principal | undefined> {
  const u = await db
    .selectFrom('auth_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.username', 'u.division_code', 'u.role', 'u.confidential'])
    .where('s.access_hash', '=', digest(accessToken))
    .where('s.access_expires_at', '>', new Date())
    .where('u.disabled', '=', false)
    .executeTakeFirst();
  return u && userPrincipal(u);
}
