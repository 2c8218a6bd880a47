/**
 * The staff review page (web/, built by `npm run build:web` into web/dist/) served under /app/,
 * with /app/config.json telling it what only the deployment knows (the base-map tiles). The page
 * signs in through /v1/auth/login like any client and then uses the API with its cookies.
 *
 * Without a build the page answers 503 with the command that makes one, so an API started from a
 * fresh clone says what is missing instead of 404.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ReviewPageConfig } from '../../platform/config.ts';
import { ProblemError } from './problem.ts';

export interface ReviewPageOptions extends ReviewPageConfig {
  /** Folder of the built page. Default: web/dist/ of this checkout. */
  root?: string;
}

export const REVIEW_PAGE_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** The origin of the tile URL template, for the Content-Security-Policy's img-src; none without tiles. */
export function tileOrigin(tileUrl: string | undefined): string | undefined {
  if (tileUrl === undefined) return undefined;
  // The template's placeholders ({s}, {z}...) may sit in the host: keep them as CSP wildcards.
  const m = /^(https?:\/\/[^/]+)/.exec(tileUrl);
  return m?.[1]?.replace(/\{[a-z]+\}/g, '*');
}

async function reviewPagePlugin(app: FastifyInstance, o: ReviewPageOptions): Promise<void> {
  const root = o.root ?? REVIEW_PAGE_ROOT;
  const pageConfig = { tileUrl: o.tileUrl ?? null, tileAttribution: o.tileAttribution };
  app.get('/app', { schema: { hide: true } }, (_req, reply) => reply.redirect('/app/', 301));
  app.get('/app/config.json', { schema: { hide: true } }, () => pageConfig);
  if (!existsSync(`${root}/index.html`)) {
    app.get('/app/*', { schema: { hide: true } }, () => {
      throw new ProblemError('unavailable', 'the review page is not built: run `npm run build:web`');
    });
    return;
  }
  // index.html must never be cached (it names the current bundle); the bundle's files carry a hash.
  await app.register(fastifyStatic, {
    root,
    prefix: '/app/',
    decorateReply: false,
    cacheControl: false,
    setHeaders: (res, path) => {
      res.setHeader('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
}

export const reviewPage = fp(reviewPagePlugin, { name: 'review-page' });
