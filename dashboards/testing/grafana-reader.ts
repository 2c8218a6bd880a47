/**
 * Grafana's PostgreSQL login for tests, made by the very script the postgres image runs
 * (deploy/postgres/initdb/10-grafana-reader.sh), under a role name of its own: roles belong to
 * the whole server, which other test runs share.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';

const SCRIPT = new URL('../../deploy/postgres/initdb/10-grafana-reader.sh', import.meta.url).pathname;
let counter = 0;

export interface GrafanaReader {
  readonly role: string;
  /** The database's URL with the reader's login. */
  readonly url: string;
  /** Removes the role and its grants (run before the database is dropped). */
  drop(): Promise<void>;
}

/** Runs the init script against the database of `adminDatabaseUrl` (a superuser's URL). */
export async function createGrafanaReader(adminDatabaseUrl: string): Promise<GrafanaReader> {
  const admin = new URL(adminDatabaseUrl);
  const role = `grafana_test_${process.pid}_${Date.now().toString(36)}_${++counter}`;
  const password = randomBytes(12).toString('hex');
  await promisify(execFile)('sh', [SCRIPT], { env: scriptEnv(admin, role, password) });
  const url = new URL(admin);
  url.username = role;
  url.password = password;
  return { role, url: url.toString(), drop: () => dropRole(adminDatabaseUrl, role) };
}

function scriptEnv(admin: URL, role: string, password: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    // The docker image's psql connects over the socket; here the server is reached over TCP.
    PGHOST: admin.hostname,
    PGPORT: admin.port || '5432',
    PGPASSWORD: decodeURIComponent(admin.password),
    POSTGRES_USER: decodeURIComponent(admin.username),
    POSTGRES_DB: decodeURIComponent(admin.pathname.slice(1)),
    GRAFANA_DB_USER: role,
    GRAFANA_DB_PASSWORD: password,
  };
}

async function dropRole(adminDatabaseUrl: string, role: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    const name = client.escapeIdentifier(role);
    await client.query(`drop owned by ${name}`);
    await client.query(`drop role ${name}`);
  } finally {
    await client.end();
  }
}
