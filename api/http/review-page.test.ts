import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { TEST_APP_CONFIG as config } from '../testing/app.ts';
import { useTestDatabase } from '../../test/database.ts';
import { problemHandlers } from './problem.ts';
import { reviewPage, tileOrigin } from './review-page.ts';

const testDb = useTestDatabase();

async function pageApp(root: string, tileUrl?: string) {
  const app = Fastify();
  await app.register(problemHandlers);
  await app.register(reviewPage, { root, tileUrl, tileAttribution: '© 测绘局' });
  return app;
}

describe('the review page under /app/', () => {
  it('serves the built page, index.html uncached and the hashed bundle for a year', async () => {
    const root = mkdtempSync(join(tmpdir(), 'review-page-'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>page</title>');
    writeFileSync(join(root, 'app-abc123.js'), 'export {}');
    const app = await pageApp(root);
    const index = await app.inject('/app/');
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('<title>page</title>');
    expect(index.headers['cache-control']).toBe('no-cache');
    const bundle = await app.inject('/app/app-abc123.js');
    expect(bundle.headers['cache-control']).toContain('immutable');
    expect((await app.inject('/app')).headers.location).toBe('/app/');
    await app.close();
  });

  it('says how to build it when it is not built', async () => {
    const app = await pageApp(mkdtempSync(join(tmpdir(), 'review-page-empty-')));
    const res = await app.inject('/app/');
    expect(res.statusCode).toBe(503);
    expect(res.json<{ detail: string }>().detail).toContain('npm run build:web');
    await app.close();
  });

  it('tells the page the tile service, and nothing else', async () => {
    const app = await pageApp(mkdtempSync(join(tmpdir(), 'review-page-empty-')), 'https://tiles.example.gov.cn/{z}/{x}/{y}.png');
    const res = await app.inject('/app/config.json');
    expect(res.json()).toEqual({ tileUrl: 'https://tiles.example.gov.cn/{z}/{x}/{y}.png', tileAttribution: '© 测绘局' });
    await app.close();
  });

  it("lets the page's images come from the tile service only when one is configured", async () => {
    expect(tileOrigin(undefined)).toBeUndefined();
    expect(tileOrigin('https://{s}.tiles.example.gov.cn/{z}/{x}/{y}.png')).toBe('https://*.tiles.example.gov.cn');
    for (const tileUrl of [undefined, 'https://tiles.example.gov.cn/{z}/{x}/{y}.png']) {
      const app = await buildApp({ config: { ...config, reviewPage: { tileUrl, tileAttribution: '' } }, db: testDb.db });
      const csp = String((await app.inject('/healthz')).headers['content-security-policy']);
      expect(csp).toMatch(tileUrl ? /img-src 'self' data: https:\/\/tiles\.example\.gov\.cn/ : /img-src 'self' data:;/);
      await app.close();
    }
  });
});
