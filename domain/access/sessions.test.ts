/** Sign-in, tokens and keys on a real PostgreSQL. */
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/database.ts';
import { authenticateKey, createApiKey, revokeApiKey } from './api-keys.ts';
import { AccessError } from './errors.ts';
import { authenticateToken, DEFAULT_SESSION_OPTIONS, refreshSession, signIn, signOut } from './sessions.ts';
import { changeUser, createUser, setPassword } from './users.ts';

const testDb = useTestDatabase();
const PASSWORD = 'correct horse battery';

async function user(name: string, extra: { divisionCode?: string; role?: 'admin' | 'staff' | 'auditor' } = {}) {
  return createUser(
    testDb.db,
    { username: name, divisionCode: extra.divisionCode ?? '220102', role: extra.role ?? 'staff', password: PASSWORD },
    'test',
  );
}
const login = (username: string, password = PASSWORD) => signIn(testDb.db, { username, password, address: '127.0.0.1' });
const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  return err instanceof AccessError ? err.code : err;
};

describe('sign-in sessions', () => {
  it('signs in, authenticates the access token as the user, and ends it on sign-out', async () => {
    await user('anna');
    const { tokens, principal } = await login('anna');
    expect(principal).toMatchObject({ actor: 'user:anna', divisionCode: '220102', role: 'staff', confidential: false });
    expect(await authenticateToken(testDb.db, tokens.accessToken)).toEqual(principal);
    expect(await authenticateToken(testDb.db, tokens.refreshToken)).toBeUndefined();
    await signOut(testDb.db, tokens.accessToken, null);
    expect(await authenticateToken(testDb.db, tokens.accessToken)).toBeUndefined();
  });

  it('refuses a wrong password and an unknown user alike, and audits both without the password', async () => {
    await user('ben');
    expect(await refusal(login('ben', 'wrong password!'))).toBe('invalid_credentials');
    expect(await refusal(login('nobody-here'))).toBe('invalid_credentials');
    const events = await testDb.db.selectFrom('auth_events').selectAll().where('kind', '=', 'login_failed').execute();
    expect(events.map((e) => e.username).sort()).toEqual(['ben', 'nobody-here']);
    expect(JSON.stringify(events)).not.toContain('wrong password!');
  });

  it('stops trying an account after too many failures, even with the right password', async () => {
    await user('carl');
    for (let i = 0; i < DEFAULT_SESSION_OPTIONS.maxFailures; i++)
      expect(await refusal(login('carl', `guess-${i}-guess`))).toBe('invalid_credentials');
    expect(await refusal(login('carl'))).toBe('too_many_attempts');
  });

  it('ends every token when the user is disabled, changes role, or changes password', async () => {
    await user('dora');
    const change = [
      () =>
        changeUser(testDb.db, 'dora', { disabled: true }, 'test').then(() => changeUser(testDb.db, 'dora', { disabled: false }, 'test')),
      () => changeUser(testDb.db, 'dora', { role: 'auditor' }, 'test'),
      () => setPassword(testDb.db, 'dora', PASSWORD, 'test'),
    ];
    for (const apply of change) {
      const { tokens } = await login('dora');
      await apply();
      expect(await authenticateToken(testDb.db, tokens.accessToken)).toBeUndefined();
      expect(await refusal(refreshSession(testDb.db, tokens.refreshToken, null))).toBe('invalid_credentials');
    }
  });

  it('refuses a disabled user at sign-in', async () => {
    await user('emil');
    await changeUser(testDb.db, 'emil', { disabled: true }, 'test');
    expect(await refusal(login('emil'))).toBe('invalid_credentials');
  });

  it('spends a refresh token: the new pair works, the old refresh token does not', async () => {
    await user('fay');
    const first = await login('fay');
    const second = await refreshSession(testDb.db, first.tokens.refreshToken, null);
    expect(await authenticateToken(testDb.db, second.tokens.accessToken)).toMatchObject({ actor: 'user:fay' });
    expect(await authenticateToken(testDb.db, first.tokens.accessToken)).toBeUndefined();
    expect(await refusal(refreshSession(testDb.db, first.tokens.refreshToken, null))).toBe('invalid_credentials');
  });

  it('lets an access token expire', async () => {
    await user('gus');
    const { tokens } = await signIn(
      testDb.db,
      { username: 'gus', password: PASSWORD, address: null },
      { ...DEFAULT_SESSION_OPTIONS, accessTtlS: 0 },
    );
    expect(await authenticateToken(testDb.db, tokens.accessToken)).toBeUndefined();
  });

  it('refuses a username that is taken', async () => {
    await user('hana');
    expect(await refusal(user('hana'))).toBe('conflict');
  });
});

describe('API keys', () => {
  it('authenticates a live key with its division and scope, never a revoked, altered or malformed one', async () => {
    const { key, record } = await createApiKey(testDb.db, { name: 'import job', divisionCode: '220100', scope: 'write' }, 'user:admin');
    expect(key).toMatch(/^wim_[0-9a-f]{12}_/);
    const stored = await testDb.db.selectFrom('api_keys').select('key_hash').where('id', '=', record.id).executeTakeFirstOrThrow();
    expect(stored.key_hash.toString('utf8')).not.toContain(key.slice(-20));
    expect(await authenticateKey(testDb.db, key, null)).toMatchObject({
      actor: `key:${record.prefix}`,
      divisionCode: '220100',
      role: 'staff',
      confidential: false,
    });
    expect(await authenticateKey(testDb.db, `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`, null)).toBeUndefined();
    expect(await authenticateKey(testDb.db, 'not a key', null)).toBeUndefined();
    await revokeApiKey(testDb.db, record.id, 'user:admin');
    expect(await authenticateKey(testDb.db, key, null)).toBeUndefined();
  });
});
