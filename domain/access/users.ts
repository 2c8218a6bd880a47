/**
 * Users: create, list, change, disable, reset a password. Any change to what a user may do (role,
 * division, clearance, disabled) or to its password ends its sessions in the same transaction, so
 * no token outlives the change. Every change is audited.
 */
import { z } from 'zod';
import type { Db, DbTransaction } from '../../platform/db/database.ts';
import type { UsersTable } from '../../platform/db/schema.ts';
import type { Selectable } from 'kysely';
import { divisionCode } from '../registry/index.ts';
import { recordAuthEvent } from './audit.ts';
import { AccessError } from './errors.ts';
import { role } from './principal.ts';
import { hashPassword } from './secrets.ts';

export const username = z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'letters, digits and _ . @ - only, at most 64');
/** At least 10 characters: long enough to resist guessing at the sign-in's rate limit. */
export const password = z.string().min(10, 'at least 10 characters').max(200, 'at most 200 characters');

export const userInput = z.strictObject({
  username,
  displayName: z.string().min(1).max(200).nullable().optional(),
  divisionCode,
  role,
  confidential: z.boolean().default(false),
  password,
});
export type UserInput = z.input<typeof userInput>;

export const userChange = z.strictObject({
  displayName: z.string().min(1).max(200).nullable().optional(),
  divisionCode: divisionCode.optional(),
  role: role.optional(),
  confidential: z.boolean().optional(),
  disabled: z.boolean().optional(),
});
export type UserChange = z.infer<typeof userChange>;

export const user = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string().nullable(),
  divisionCode: z.string(),
  role,
  confidential: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type User = z.infer<typeof user>;

export function userFromRow(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    divisionCode: row.division_code,
    role: row.role,
    confidential: row.confidential,
    disabled: row.disabled,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

async function endSessions(trx: DbTransaction, userId: string): Promise<void> {
  await trx.deleteFrom('auth_sessions').where('user_id', '=', userId).execute();
}

export async function createUser(db: Db, input: UserInput, actor: string): Promise<User> {
  const u = userInput.parse(input);
  const passwordHash = await hashPassword(u.password);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('users')
      .values({
        username: u.username,
        display_name: u.displayName ?? null,
        division_code: u.divisionCode,
        role: u.role,
        confidential: u.confidential,
        password_hash: passwordHash,
      })
      .onConflict((oc) => oc.column('username').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new AccessError('conflict', `user ${u.username} exists already`);
    await recordAuthEvent(trx, {
      kind: 'user_created',
      actor,
      username: u.username,
      detail: { divisionCode: u.divisionCode, role: u.role, confidential: u.confidential },
    });
    return userFromRow(row);
  });
}

export async function findUser(db: Db, name: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('username', '=', name).executeTakeFirst();
  return row && userFromRow(row);
}

/** Users whose division lies inside `divisionPrefix` (all when empty), by username. */
export async function listUsers(db: Db, divisionPrefix = ''): Promise<User[]> {
  const rows = await db.selectFrom('users').selectAll().where('division_code', 'like', `${divisionPrefix}%`).orderBy('username').execute();
  return rows.map(userFromRow);
}

export async function changeUser(db: Db, name: string, change: UserChange, actor: string): Promise<User> {
  const c = userChange.parse(change);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('users')
      .set({
        ...(c.displayName !== undefined ? { display_name: c.displayName } : {}),
        ...(c.divisionCode !== undefined ? { division_code: c.divisionCode } : {}),
        ...(c.role !== undefined ? { role: c.role } : {}),
        ...(c.confidential !== undefined ? { confidential: c.confidential } : {}),
        ...(c.disabled !== undefined ? { disabled: c.disabled } : {}),
        updated_at: new Date(),
      })
      .where('username', '=', name)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new AccessError('not_found', `no user ${name}`);
    const changesPowers = (['divisionCode', 'role', 'confidential', 'disabled'] as const).some((k) => c[k] !== undefined);
    if (changesPowers) await endSessions(trx, row.id);
    await recordAuthEvent(trx, { kind: 'user_changed', actor, username: name, detail: c });
    return userFromRow(row);
  });
}

export async function setPassword(db: Db, name: string, newPassword: string, actor: string): Promise<void> {
  const hash = await hashPassword(password.parse(newPassword));
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('users')
      .set({ password_hash: hash, updated_at: new Date() })
      .where('username', '=', name)
      .returning('id')
      .executeTakeFirst();
    if (!row) throw new AccessError('not_found', `no user ${name}`);
    await endSessions(trx, row.id);
    await recordAuthEvent(trx, { kind: 'password_changed', actor, username: name });
  });
}
