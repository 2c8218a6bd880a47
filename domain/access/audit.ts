/** The access audit trail (auth_events): sign-ins, failures, key use, user and key changes, exports. */
import type { Db, DbTransaction } from '../../platform/db/database.ts';

export type AuthEventKind =
  | 'login'
  | 'login_failed'
  | 'login_throttled'
  | 'logout'
  | 'refresh'
  | 'key_used'
  | 'key_created'
  | 'key_revoked'
  | 'user_created'
  | 'user_changed'
  | 'password_changed'
  | 'confidential_export';

export interface AuthEvent {
  kind: AuthEventKind;
  /** Who did it: `user:<name>`, `key:<prefix>`, `cli:<os user>`, or `anonymous` for a failed sign-in. */
  actor: string;
  /** The account concerned, when there is one (never a password). */
  username?: string | null;
  address?: string | null;
  detail?: Record<string, unknown>;
}

export async function recordAuthEvent(db: Db | DbTransaction, e: AuthEvent): Promise<void> {
  await db
    .insertInto('auth_events')
    .values({
      kind: e.kind,
      actor: e.actor,
      username: e.username ?? null,
      address: e.address ?? null,
      detail: JSON.stringify(e.detail ?? {}),
    })
    .execute();
}
