// Lint rules: typescript-eslint's strict type-checked set, so `any` and unsafe calls fail CI; the
// architecture's boundaries (README, "Layout"), checked on every file, tests included; Prettier's
// formatting (eslint-plugin-prettier's rule would duplicate it: `prettier --check` runs beside).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;
const PROCESSES = ['api', 'ingest', 'monitor'];
const TOOLS = ['simulators', 'scripts', 'bench', 'dashboards'];
const TOP = ['platform', 'domain', ...PROCESSES, ...TOOLS, 'test'];
const subdirs = (dir) => readdirSync(join(root, dir)).filter((d) => statSync(join(root, dir, d)).isDirectory());
const DOMAIN_MODULES = subdirs('domain');

/** A module's `testing/` folders (its helpers for tests), at any depth. */
function testingDirs(dir, rel = '.') {
  return subdirs(dir).flatMap((d) => (d === 'testing' ? [`${rel}/testing`] : testingDirs(join(dir, d), `${rel}/${d}`)));
}

const zones = [
  {
    target: './domain',
    from: PROCESSES.concat(TOOLS).map((d) => `./${d}`),
    message: 'The domain imports no process or tool: the processes use the domain, not the other way round.',
  },
  {
    target: './platform',
    from: ['./domain', ...PROCESSES, ...TOOLS].map((d) => `./${d}`),
    message: 'platform/ (store clients, configuration, logging, time) knows nothing of the domain or the processes.',
  },
  ...PROCESSES.map((p) => ({
    target: `./${p}`,
    from: PROCESSES.filter((o) => o !== p).map((o) => `./${o}`),
    message: 'The processes never import one another: they meet only through MQTT, the queues and the stores.',
  })),
  {
    target: './simulators',
    from: [...PROCESSES.map((p) => `./${p}`), './platform/db/schema.ts'],
    message:
      'The simulators use the meter contract and the registry read interface (domain/registry), never a process or the database schema.',
  },
  // One public entry per domain module: from outside it, only its index.ts (and its testing/ helpers).
  ...DOMAIN_MODULES.map((m) => ({
    target: [...TOP.filter((d) => d !== 'domain'), ...DOMAIN_MODULES.filter((o) => o !== m).map((o) => `domain/${o}`)].map((d) => `./${d}`),
    from: `./domain/${m}`,
    except: ['./index.ts', ...testingDirs(join('domain', m))],
    message: `Use domain/${m}/index.ts, the module's public entry.`,
  })),
];

export default defineConfig(
  // dashboards/json/ is Grafana's export, not code; dashboards/*.ts (its tests) are linted.
  { ignores: ['node_modules/**', 'dashboards/json/**', 'coverage/**', '.run/**', 'test-results/**', 'web/dist/**'] },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js'] }, tsconfigRootDir: root },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import-x/no-restricted-paths': ['error', { basePath: root, zones }],
    },
  },
  // This file is plain JavaScript: no types for the type-checked rules to use.
  { files: ['*.js'], extends: [tseslint.configs.disableTypeChecked] },
  {
    // The processes' own code never uses the simulators (their tests may, to make readings).
    files: PROCESSES.map((p) => `${p}/**/*.ts`),
    ignores: ['**/*.test.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            ...zones,
            ...PROCESSES.map((p) => ({ target: `./${p}`, from: './simulators', message: 'A process does not run the simulators.' })),
          ],
        },
      ],
    },
  },
  {
    // Simulators talk to the registry through domain/registry, not with queries of their own.
    files: ['simulators/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'kysely', message: 'Use the registry read interface (domain/registry).' }] }],
    },
  },
);
