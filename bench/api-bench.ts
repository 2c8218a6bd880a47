/**
 * `npm run bench:api`: the API under load on this machine (issue 18). A fresh PostgreSQL database
 * with 20,000 intakes, 200,000 ledger items and a year of daily accounts (bench/api-seed.ts); the
 * API served by `node api/main.ts` in a child process on a loopback port; this process drives it
 * (bench/load.ts) for a fixed time per route at a fixed concurrency, signed in as a county user:
 * the item list filtered by the county and a status, an item's detail, an intake's year of accounts.
 * Options: --intakes, --items, --seconds (per route, default 10), --concurrency (default 2: the targets are met there on 2 cores that also run PostgreSQL and this load), --keep
 * (keep the database), --database NAME (run on a database a --keep run left, migrated again, not seeded).
 * Ends with: bench:api list_rps=<n> list_p99_ms=<n> detail_rps=<n> detail_p99_ms=<n> accounts_rps=<n> accounts_p99_ms=<n> concurrency=<n>
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createUser, signIn } from '../domain/access/index.ts';
import { seedDivisions } from '../domain/registry/index.ts';
import { createDb } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { localDay } from '../platform/local-time.ts';
import { adminUrl, databaseUrl } from '../test/database-urls.ts';
import { seedApiBench } from './api-seed.ts';
import { drive, type LoadResult } from './load.ts';

const { values: args } = parseArgs({
  options: {
    intakes: { type: 'string', default: '20000' },
    items: { type: 'string', default: '200000' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '2' },
    keep: { type: 'boolean', default: false },
    database: { type: 'string' },
  },
});
const [intakes, items, seconds, concurrency] = [args.intakes, args.items, args.seconds, args.concurrency].map(Number) as [
  number,
  number,
  number,
  number,
];
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => {
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
    srv.on('error', reject);
  });
}

async function waitHealthy(base: URL): Promise<void> {
  for (let k = 0; k < 200; k++) {
    try {
      if ((await fetch(new URL('/healthz', base))).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the API did not become healthy');
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;
const fmt = (r: LoadResult) =>
  `${r.requests} requests, ${r.rps}/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, errors ${r.errors}`;

async function main(): Promise<void> {
  const reuse = args.database;
  const dbName = reuse ?? `wim_bench_api_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  if (!reuse) await admin.query(`create database ${dbName}`);
  const url = databaseUrl(dbName);
  const db = createDb({ url, poolSize: 4 });
  const year = Number(localDay(Date.now()).slice(0, 4));
  let api: ReturnType<typeof spawn> | undefined;
  try {
    await migrateToLatest(db);
    let county = '220102';
    if (!reuse) {
      await seedDivisions(db, '220000');
      const { counties } = await seedApiBench(db, { intakes, items, year }, log);
      county = counties[0] ?? county;
      await createUser(
        db,
        { username: 'bench-county', divisionCode: county, role: 'staff', confidential: false, password: 'bench-password-1234' },
        'bench',
      );
    }
    const { tokens } = await signIn(db, { username: 'bench-county', password: 'bench-password-1234', address: null });
    const itemIds = (await db.selectFrom('ledger_items').select('id').where('county_code', '=', county).execute()).map((r) => r.id);
    const intakeIds = (await db.selectFrom('intakes').select('id').where('county_code', '=', county).execute()).map((r) => r.id);
    log(`county ${county}: ${intakeIds.length} intakes, ${itemIds.length} items`);

    const port = await freePort();
    const base = new URL(`http://127.0.0.1:${port}`);
    api = spawn(process.execPath, ['api/main.ts'], {
      env: { ...process.env, DATABASE_URL: url, API_HOST: '127.0.0.1', API_PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'production' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    await waitHealthy(base);
    const headers = { authorization: `Bearer ${tokens.accessToken}` };
    const statuses = ['raised', 'confirmed', 'rectifying', 'rectified', 'closed'];
    const routes = {
      list: () => `/v1/ledger/items?division=${county}&status=${pick(statuses)}&limit=50`,
      detail: () => `/v1/ledger/items/${pick(itemIds)}`,
      accounts: () => `/v1/accounts/intakes/${pick(intakeIds)}?year=${year}`,
    };
    const results: Record<string, LoadResult> = {};
    for (const [name, nextPath] of Object.entries(routes)) {
      await drive({ base, headers, concurrency, seconds: Math.min(2, seconds), nextPath }); // warm-up
      const r = await drive({ base, headers, concurrency, seconds, nextPath });
      if (r.errors > 0) throw new Error(`${name}: ${r.errors} answers were not 2xx (${r.firstError ?? 'an error status'})`);
      log(`${name}: ${fmt(r)}`);
      results[name] = r;
    }
    const f = (name: string) => `${name}_rps=${results[name]?.rps ?? 0} ${name}_p99_ms=${(results[name]?.p99Ms ?? 0).toFixed(1)}`;
    console.log(`bench:api ${f('list')} ${f('detail')} ${f('accounts')} concurrency=${concurrency}`);
  } finally {
    api?.kill('SIGTERM');
    await db.destroy();
    if (args.keep || reuse) log(`kept database ${dbName}`);
    else await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

await main();
