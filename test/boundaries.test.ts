/**
 * The architecture's boundaries (eslint.config.js) really fail `npm run lint`: each case lints a
 * forbidden import as if it stood in a real file of the tree, and expects the boundary rule to
 * report it; the allowed form of the same import passes.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'import-x/no-restricted-paths' || m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('architecture boundaries', () => {
  it.each([
    ['the domain imports a process', 'domain/ledger/lifecycle.ts', "import '../../monitor/schedules.ts';\n"],
    ['the domain imports a tool', 'domain/registry/online-meters.ts', "import '../../simulators/fleet/fleet-member.ts';\n"],
    ['platform imports the domain', 'platform/queues.ts', "import '../domain/ledger/index.ts';\n"],
    ['a process imports another', 'api/app.ts', "import '../ingest/metrics.ts';\n"],
    ['a test of a process imports another process', 'api/app.test.ts', "import '../monitor/schedules.ts';\n"],
    ['a process runs the simulators', 'monitor/schedules.ts', "import '../simulators/random/prng.ts';\n"],
    [
      'the simulators read the database schema',
      'simulators/main.ts',
      "import type { Database } from '../platform/db/schema.ts';\nexport type D = Database;\n",
    ],
    ['the simulators query with Kysely', 'simulators/main.ts', "import { sql } from 'kysely';\nexport const s = sql;\n"],
    ['an import past a module entry', 'api/app.ts', "import '../domain/ledger/lifecycle.ts';\n"],
    ['one module past another one entry', 'domain/reports/generate-monthly-reports.ts', "import '../ledger/overdue.ts';\n"],
  ])('refuses it when %s', async (_case, filePath, code) => {
    expect(await boundaryErrors(filePath, code)).toHaveLength(1);
  });

  it.each([
    ['a process uses a module entry', 'api/app.ts', "import '../domain/ledger/index.ts';\n"],
    ['a test uses a module testing helper', 'api/app.test.ts', "import '../domain/ledger/testing/fixtures.ts';\n"],
    ['a module file imports its neighbour', 'domain/ledger/lifecycle.ts', "import './overdue.ts';\n"],
    [
      'a process test makes readings with the simulators',
      'monitor/monitor.integration.test.ts',
      "import '../simulators/random/prng.ts';\n",
    ],
  ])('allows it when %s', async (_case, filePath, code) => {
    expect(await boundaryErrors(filePath, code)).toEqual([]);
  });
});
