import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    // Two cores: files run two at a time; each file gets its own database (see test/database.ts).
    pool: 'forks',
    maxWorkers: 2,
    // Generous: the integration tests run real servers on a 2-core machine shared with the stores.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
