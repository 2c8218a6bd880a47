/**
 * Identity and access (docs/api.md, "Access"): users scoped to a division with one role, the
 * confidential clearance, sign-in sessions, API keys for machine clients, and the audit trail of
 * sign-ins, key use and user changes. Secrets are never stored: a password as its scrypt hash, a
 * session token and an API key as their SHA-256 (both are 256 random bits, so a fast hash suffices).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table users (
  id bigint generated always as identity primary key,
  username text not null unique check (username ~ '^[A-Za-z0-9_.@-]{1,64}$'),
  display_name text check (display_name is null or length(display_name) <= 200),
  division_code char(6) not null references divisions (code),
  role text not null check (role in ('admin', 'staff', 'auditor')),
  confidential boolean not null default false,
  password_hash text not null,
  disabled boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table auth_sessions (
  id bigint generated always as identity primary key,
  user_id bigint not null references users (id) on delete cascade,
  access_hash bytea not null unique,
  access_expires_at timestamptz not null,
  refresh_hash bytea not null unique,
  refresh_expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  address text
);
create index auth_sessions_user_idx on auth_sessions (user_id);

create table api_keys (
  id bigint generated always as identity primary key,
  name text not null check (length(btrim(name)) between 1 and 100),
  prefix text not null unique,
  key_hash bytea not null unique,
  division_code char(6) not null references divisions (code),
  scope text not null check (scope in ('read', 'write')),
  created_by text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

create table auth_events (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  kind text not null,
  actor text not null,
  username text,
  address text,
  detail jsonb not null default '{}'
);
create index auth_events_failures_idx on auth_events (username, at) where kind = 'login_failed';
create index auth_events_address_idx on auth_events (address, at) where kind = 'login_failed';
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table auth_events, api_keys, auth_sessions, users`.execute(db);
}
