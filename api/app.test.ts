import { describe, expect, it } from 'vitest';
import { createDb } from '../platform/db/database.ts';
import { useTestDatabase } from '../test/database.ts';
import { freePort } from '../test/services/process.ts';
import { buildApp } from './app.ts';

const testDb = useTestDatabase();
import { TEST_APP_CONFIG as config } from './testing/app.ts';

describe('GET /healthz', () => {
  it('is ok while PostgreSQL answers', async () => {
    const app = await buildApp({ config, db: testDb.db });
    try {
      const res = await app.inject('/healthz');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
    } finally {
      await app.close();
    }
  });

  it('answers 503 unavailable when PostgreSQL does not', async () => {
    const db = createDb({ url: `postgres://postgres@127.0.0.1:${await freePort()}/nowhere`, poolSize: 1 });
    const app = await buildApp({ config, db });
    try {
      const res = await app.inject('/healthz');
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'unavailable', detail: 'PostgreSQL does not answer' });
    } finally {
      await app.close();
      await db.destroy();
    }
  });
});

describe('security headers', () => {
  it('sends HTTPS-only headers only where the API is served over HTTPS', async () => {
    for (const secureCookies of [false, true]) {
      const app = await buildApp({ config: { ...config, auth: { ...config.auth, secureCookies } }, db: testDb.db });
      try {
        const res = await app.inject('/healthz');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['strict-transport-security'] !== undefined).toBe(secureCookies);
        expect(String(res.headers['content-security-policy']).includes('upgrade-insecure-requests')).toBe(secureCookies);
      } finally {
        await app.close();
      }
    }
  });
});
