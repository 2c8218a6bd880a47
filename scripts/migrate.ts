/** `npm run migrate`: create the database if needed, apply pending migrations, seed divisions. */
import { loadConfigOrExit } from '../platform/config.ts';
import { createDb } from '../platform/db/database.ts';
import { ensureDatabase, migrateToLatest } from '../platform/db/migrate.ts';
import { seedDivisions } from '../domain/registry/index.ts';

const config = loadConfigOrExit();
if (await ensureDatabase(config.databaseUrl)) console.log('created database');
const db = createDb({ url: config.databaseUrl, poolSize: 1 });
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema up to date');
  if (config.seedDivisions) {
    const count = await seedDivisions(db, config.provinceCode);
    console.log(`divisions of ${config.provinceCode}: ${count}`);
  }
} finally {
  await db.destroy();
}
