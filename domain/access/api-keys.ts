/**
 * API keys for machine clients (scripts, a system pushing registry imports, probes): bound to a
 * division and a read or write scope, never to the confidential clearance. The key is shown once,
 * at creation: `wim_<prefix>_<secret>`; only its SHA-256 is kept, and the prefix names it in lists
 * and in the audit trail. Use is audited at most once an hour per key (a probe would flood it).
 */
import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import type { ApiKeysTable } from '../../platform/db/schema.ts';
import { divisionCode } from '../registry/index.ts';
import { recordAuthEvent } from './audit.ts';
import { AccessError } from './errors.ts';
import type { Principal } from './principal.ts';
import { digest, newSecret } from './secrets.ts';

export const apiKeyInput = z.strictObject({
  name: z.string().trim().min(1).max(100).describe('What the key is for, e.g. "county 220102 import job"'),
  divisionCode,
  scope: z.enum(['read', 'write']),
});
export type ApiKeyInput = z.infer<typeof apiKeyInput>;

export const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  divisionCode: z.string(),
  scope: z.enum(['read', 'write']),
  createdBy: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKey = z.infer<typeof apiKey>;

const KEY_PATTERN = /^wim_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

const fromRow = (r: Selectable<ApiKeysTable>): ApiKey => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  divisionCode: r.division_code,
  scope: r.scope,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

export async function createApiKey(db: Db, input: ApiKeyInput, actor: string): Promise<{ key: string; record: ApiKey }> {
  const k = apiKeyInput.parse(input);
  const prefix = randomBytes(6).toString('hex');
  const key = `wim_${prefix}_${newSecret()}`;
  const row = await db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('api_keys')
      .values({ name: k.name, prefix, key_hash: digest(key), division_code: k.divisionCode, scope: k.scope, created_by: actor })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAuthEvent(trx, {
      kind: 'key_created',
      actor,
      detail: { prefix, name: k.name, divisionCode: k.divisionCode, scope: k.scope },
    });
    return inserted;
  });
  return { key, record: fromRow(row) };
}

export async function listApiKeys(db: Db, divisionPrefix = ''): Promise<ApiKey[]> {
  const rows = await db.selectFrom('api_keys').selectAll().where('division_code', 'like', `${divisionPrefix}%`).orderBy('id').execute();
  return rows.map(fromRow);
}

export async function findApiKey(db: Db, id: string): Promise<ApiKey | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row && fromRow(row);
}

export async function revokeApiKey(db: Db, id: string, actor: string): Promise<ApiKey> {
  const row = await db.transaction().execute(async (trx) => {
    const revoked = await trx
      .updateTable('api_keys')
      .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!revoked) throw new AccessError('not_found', `no API key ${id}`);
    await recordAuthEvent(trx, { kind: 'key_revoked', actor, detail: { prefix: revoked.prefix } });
    return revoked;
  });
  return fromRow(row);
}

/** The principal of a live key; undefined for anything else (malformed, unknown, revoked). */
export async function authenticateKey(db: Db, key: string, address: string | null): Promise<Principal | undefined> {
  if (!KEY_PATTERN.test(key)) return undefined;
  const row = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('key_hash', '=', digest(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const hourAgo = Date.now() - 3_600_000;
  if (!row.last_used_at || row.last_used_at.getTime() < hourAgo) {
    await db.updateTable('api_keys').set({ last_used_at: new Date() }).where('id', '=', row.id).execute();
    await recordAuthEvent(db, { kind: 'key_used', actor: `key:${row.prefix}`, address, detail: { name: row.name } });
  }
  return {
    actor: `key:${row.prefix}`,
    kind: 'key',
    id: row.id,
    divisionCode: row.division_code,
    role: row.scope === 'write' ? 'staff' : 'auditor',
    confidential: false,
  };
}
