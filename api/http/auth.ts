/**
 * Authentication and route access, as a Fastify plugin (fastify-plugin: it decorates the request
 * and hooks every route of the app).
 *
 * - Every route declares its access policy in its own definition: `config: { access: {...} }`
 *   (domain/access AccessPolicy). A route under /v1 without one is refused when it is registered,
 *   so a new route cannot forget it; routes outside /v1 (/healthz, /docs) are public.
 * - A caller is a signed-in user (`Authorization: Bearer <access token>`, or the `wim_access`
 *   cookie the browser gets at sign-in) or a machine client (`X-API-Key`). No credentials: 401.
 *   A policy the caller does not meet: 403. Object-level scope is the domain's (the registry's
 *   viewer, the ledger's principal), so an object outside the caller's division answers 404.
 * - request.principal and request.actor are set for the handlers; the actor is what the audit
 *   trails record.
 */
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type AccessPolicy, authenticateKey, authenticateToken, permits, type Principal } from '../../domain/access/index.ts';
import type { Db } from '../../platform/db/database.ts';
import { ProblemError } from './problem.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route (docs/api.md, "Access"). Required on every route under /v1. */
    access?: AccessPolicy;
  }
  interface FastifyInstance {
    /** Every route with its access policy, as registered: for the access matrix test and docs. */
    readonly accessTable: readonly RouteAccess[];
  }
  interface FastifyRequest {
    /** The caller, once authenticated; null on public routes. */
    principal: Principal | null;
    /** For the audit trail: `user:<name>`, `key:<prefix>`, or `anonymous`. */
    actor: string;
  }
}

export interface RouteAccess {
  method: string;
  url: string;
  access: AccessPolicy;
}

export const ACCESS_COOKIE = 'wim_access';
export const REFRESH_COOKIE = 'wim_refresh';

export interface AuthPluginOptions {
  db: Db;
}

/** The caller's principal: the request's must-have, for handlers of non-public routes. */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new ProblemError('unauthorized', 'sign in, or send an API key');
  return req.principal;
}

function bearerToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return req.cookies[ACCESS_COOKIE];
}

async function authenticate(db: Db, req: FastifyRequest): Promise<Principal | undefined> {
  const key = req.headers['x-api-key'];
  if (typeof key === 'string') return authenticateKey(db, key, req.ip);
  const token = bearerToken(req);
  return token ? authenticateToken(db, token) : undefined;
}

function describe(policy: AccessPolicy): string {
  const who = { public: 'anyone', read: 'any signed-in user or key', write: 'staff or admins', admin: 'admins' }[policy.access];
  return policy.confidential ? `${who} cleared for confidential intakes` : who;
}

async function authPlugin(app: FastifyInstance, { db }: AuthPluginOptions): Promise<void> {
  await app.register(fastifyCookie);
  app.decorateRequest('principal', null);
  app.decorateRequest('actor', 'anonymous');
  const table: RouteAccess[] = [];
  app.decorate('accessTable', table);

  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (route.url.startsWith('/v1') && !access)
      throw new Error(`route ${String(route.method)} ${route.url} declares no access policy (config.access)`);
    if (access) for (const method of [route.method].flat()) table.push({ method, url: route.url, access });
    // The OpenAPI document shows who may call each route, and which credentials it takes.
    if (access && route.schema) {
      route.schema = {
        ...route.schema,
        ...(access.access === 'public' ? {} : { security: [{ bearer: [] }, { cookie: [] }, { apiKey: [] }] }),
        description: [route.schema.description, `Access: ${describe(access)}.`].filter(Boolean).join('\n\n'),
      };
    }
  });

  app.addHook('onRequest', async (req) => {
    const policy = req.routeOptions.config.access;
    if (!policy || policy.access === 'public') return;
    const principal = await authenticate(db, req);
    if (!principal) throw new ProblemError('unauthorized', 'sign in, or send an API key (the token may have expired)');
    if (!permits(principal, policy)) throw new ProblemError('forbidden', `this route is for ${describe(policy)}`);
    req.principal = principal;
    req.actor = principal.actor;
  });
}

export const auth = fp(authPlugin, { name: 'wim-auth', fastify: '5.x' });
