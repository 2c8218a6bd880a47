/**
 * PostgreSQL access through Kysely over node-postgres. Chosen because Kysely types every query
 * against the schema without an ORM's runtime model, ships a migrator, and stays plain SQL where
 * SQL is clearer (see README, "Why Kysely").
 */
import { Kysely, PostgresDialect, type RawBuilder, type Transaction, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

// `date` stays an ISO string (no time-zone shifting through JS Date); bigint ids stay strings.
pg.types.setTypeParser(pg.types.builtins.DATE, (v: string) => v);

export type Db = Kysely<Database>;
export type DbTransaction = Transaction<Database>;

export interface DbOptions {
  /** postgres:// URL. */
  url: string;
  /** Pool size. Default 10. */
  poolSize?: number;
}

export function createDb({ url, poolSize = 10 }: DbOptions): Db {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection that the server ends (a restart, an administrator) must not crash the
  // process: the pool drops it and opens another when needed.
  pool.on('error', (err) => {
    process.emitWarning(`PostgreSQL connection lost while idle: ${err.message}`);
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Runs `work` in a transaction whose registry changes are attributed to `actor` in
 * registry_changes (the audit trigger reads the transaction-local setting app.actor).
 */
export async function withActor<T>(db: Db, actor: string, work: (trx: DbTransaction) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('app.actor', ${actor}, true)`.execute(trx);
    return work(trx);
  });
}

/**
 * Values as a list of SQL literals, for `x [not] in (...)` in raw SQL where constants are needed
 * (a partial index is inferred only from constants) or the list is fixed in code.
 */
export function sqlLiterals(values: readonly string[]): RawBuilder<unknown> {
  return sql.join(values.map((v) => sql.lit(v)));
}
