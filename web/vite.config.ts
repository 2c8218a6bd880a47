/**
 * Builds the review page (web/src) into web/dist, served by the API under /app/
 * (api/http/review-page.ts). `npm run build:web`; `npm start` and `npm test` run it.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  // Preact's JSX runtime (the same setting as tsconfig.json's jsxImportSource, for the bundler).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 400 },
  logLevel: 'warn',
});
