/**
 * Once per test run: a fresh template database, migrated and seeded, from which every test file
 * clones its own database (test/database.ts). Dropped at the end of the run.
 */
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { createDb } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { seedDivisions } from '../domain/registry/index.ts';
import { adminUrl, databaseUrl } from './database-urls.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const template = `wim_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`create database ${template}`);
  const db = createDb({ url: databaseUrl(template), poolSize: 1 });
  try {
    await migrateToLatest(db);
    await seedDivisions(db, '220000');
  } finally {
    await db.destroy();
  }
  project.provide('templateDatabase', template);
  return async () => {
    await admin.query(`drop database if exists ${template} with (force)`);
    await admin.end();
  };
}
