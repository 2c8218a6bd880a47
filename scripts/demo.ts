/**
 * `node scripts/demo.ts` (run by `npm start` after the migration): loads the demonstration province
 * into an empty registry (scripts/demo/province.ts) and prints the demo users' passwords, once.
 * Does nothing when START_DEMO=false or when the registry already holds intakes.
 *
 * `node scripts/demo.ts --is-demo`: exit 0 when the registry holds only the demo's intakes (so the
 * simulator may play them), 3 otherwise.
 */
import { loadConfigOrExit } from '../platform/config.ts';
import { createDb } from '../platform/db/database.ts';
import { isDemoRegistry, loadDemoProvince } from './demo/province.ts';

const config = loadConfigOrExit();
if (process.argv[2] === '--is-demo') {
  const db = createDb({ url: config.databaseUrl, poolSize: 1 });
  const demo = config.startDemo && (await isDemoRegistry(db));
  await db.destroy();
  process.exit(demo ? 0 : 3);
}
if (!config.startDemo) {
  console.log('START_DEMO=false: no demonstration province');
  process.exit(0);
}
const db = createDb({ url: config.databaseUrl, poolSize: 1 });
try {
  const started = Date.now();
  const result = await loadDemoProvince(db);
  if (!result.loaded) {
    console.log(`no demonstration province: ${result.reason}`);
  } else {
    const line = '='.repeat(78);
    const lines = [
      line,
      `DEMONSTRATION PROVINCE loaded in ${Date.now() - started} ms: ${result.intakes} intakes in ${result.counties} Jilin counties,`,
      `${result.permits} permits, ${result.meters} online meters. Names begin with 【演示】, codes with DEMO-.`,
      'Sign in with (the passwords are shown this once; `npm run user -- reset NAME` makes a new one):',
      ...result.users.map((u) => `  ${u.username.padEnd(12)} password ${u.password}   ${u.role} of ${u.divisionName} (${u.divisionCode})`),
      line,
    ];
    console.log(lines.join('\n'));
  }
} finally {
  await db.destroy();
}
