/**
 * A database of its own for one test file, cloned from the run's migrated template (fast: a file
 * copy inside PostgreSQL). Use in a test file:
 *   const testDb = useTestDatabase();  // then testDb.db / testDb.url inside tests
 */
import { afterAll, beforeAll, inject } from 'vitest';
import pg from 'pg';
import { createDb, type Db } from '../platform/db/database.ts';
import { adminUrl, databaseUrl } from './database-urls.ts';

export interface TestDatabase {
  readonly url: string;
  readonly db: Db;
}

let counter = 0;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function useTestDatabase(): TestDatabase {
  const name = `${inject('templateDatabase')}_${process.pid}_${++counter}`;
  const url = databaseUrl(name);
  let db: Db | undefined;
  beforeAll(async () => {
    // Cloning needs the template to have no other connections; retry briefly while a sibling clones.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin((c) => c.query(`create database ${name} template ${inject('templateDatabase')}`));
        break;
      } catch (err) {
        if (attempt >= 50 || !(err instanceof Error) || !/being accessed by other users/.test(err.message)) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    db = createDb({ url, poolSize: 4 });
  });
  afterAll(async () => {
    await db?.destroy();
    await admin((c) => c.query(`drop database if exists ${name} with (force)`));
  });
  return {
    url,
    get db(): Db {
      if (!db) throw new Error('test database used outside a test (before beforeAll ran)');
      return db;
    },
  };
}
