/**
 * Sign-in (docs/api.md, "Access"): POST /v1/auth/login, /refresh, /logout, GET /v1/auth/me,
 * POST /v1/auth/password. A program takes the tokens from the answer and sends the access token
 * as `Authorization: Bearer`; the browser asks for cookies instead (`"cookie": true`) and never
 * sees a token: both are HttpOnly, SameSite=Strict, and the refresh cookie goes only to /v1/auth.
 *
 * Sign-in is rate limited per address (@fastify/rate-limit, on Redis when the app has it) and per
 * account (failed sign-ins counted in the audit trail); neither the password nor a token is logged.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import {
  AccessError,
  password,
  refreshSession,
  role,
  type SessionOptions,
  type SessionTokens,
  setPassword,
  signIn,
  signOut,
  verifyPassword,
} from '../../domain/access/index.ts';
import type { Db } from '../../platform/db/database.ts';
import { ACCESS_COOKIE, principalOf, REFRESH_COOKIE } from '../http/auth.ts';
import { ProblemError, problemSchema } from '../http/problem.ts';

export interface AuthRoutesOptions {
  db: Db;
  sessions: SessionOptions;
  /** Sign-in attempts per address and minute (default 20). */
  loginsPerMinute: number;
  /** Cookies only over HTTPS (production). */
  secureCookies: boolean;
  /** Shared rate-limit counters across API processes; in memory without it. */
  redis?: Redis | undefined;
}

const credentials = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(200),
  cookie: z.boolean().default(false).describe('Set HttpOnly cookies instead of returning the tokens (the review page)'),
});

const me = z.object({
  actor: z.string(),
  kind: z.enum(['user', 'key']),
  divisionCode: z.string(),
  role,
  confidential: z.boolean(),
});

const session = z.object({
  accessToken: z.string().optional().describe('Absent when cookies were asked for'),
  accessExpiresAt: z.iso.datetime(),
  refreshToken: z.string().optional(),
  refreshExpiresAt: z.iso.datetime(),
  principal: me,
});

const errors = { 400: problemSchema, 401: problemSchema, 429: problemSchema };

function refusal(err: unknown): never {
  if (err instanceof AccessError && err.code === 'too_many_attempts') throw new ProblemError('rate_limited', err.message);
  if (err instanceof AccessError) throw new ProblemError('unauthorized', err.message);
  throw err;
}

export async function authRoutes(app: FastifyInstance, o: AuthRoutesOptions): Promise<void> {
  await app.register(rateLimit, { global: false, ...(o.redis ? { redis: o.redis } : {}), nameSpace: 'wim-auth-rate:', skipOnError: true });
  const r = app.withTypeProvider<ZodTypeProvider>();

  const answer = (reply: FastifyReply, tokens: SessionTokens, principal: z.infer<typeof me>, cookie: boolean) => {
    const base = { httpOnly: true, sameSite: 'strict' as const, secure: o.secureCookies };
    if (cookie) {
      void reply.setCookie(ACCESS_COOKIE, tokens.accessToken, { ...base, path: '/', expires: tokens.accessExpiresAt });
      void reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, { ...base, path: '/v1/auth', expires: tokens.refreshExpiresAt });
    }
    return {
      ...(cookie ? {} : { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }),
      accessExpiresAt: tokens.accessExpiresAt.toISOString(),
      refreshExpiresAt: tokens.refreshExpiresAt.toISOString(),
      principal: {
        actor: principal.actor,
        kind: principal.kind,
        divisionCode: principal.divisionCode,
        role: principal.role,
        confidential: principal.confidential,
      },
    };
  };

  r.post('/auth/login', {
    config: { access: { access: 'public' }, rateLimit: { max: o.loginsPerMinute, timeWindow: 60_000 } },
    schema: { tags: ['access'], summary: 'Sign in with a username and password', body: credentials, response: { 200: session, ...errors } },
    handler: async (req, reply) => {
      const { username, password: pw, cookie } = req.body;
      const done = await signIn(o.db, { username, password: pw, address: req.ip }, o.sessions).catch(refusal);
      return answer(reply, done.tokens, done.principal, cookie);
    },
  });

  r.post('/auth/refresh', {
    config: { access: { access: 'public' }, rateLimit: { max: o.loginsPerMinute, timeWindow: 60_000 } },
    schema: {
      tags: ['access'],
      summary: 'A new token pair for a refresh token (spent by the call)',
      body: z.strictObject({ refreshToken: z.string().min(1).max(200).optional().describe('Absent: the refresh cookie') }).default({}),
      response: { 200: session, ...errors },
    },
    handler: async (req, reply) => {
      const fromCookie = req.cookies[REFRESH_COOKIE];
      const token = req.body.refreshToken ?? fromCookie;
      if (!token) throw new ProblemError('unauthorized', 'no refresh token');
      const done = await refreshSession(o.db, token, req.ip, o.sessions).catch(refusal);
      return answer(reply, done.tokens, done.principal, req.body.refreshToken === undefined);
    },
  });

  r.post('/auth/logout', {
    config: { access: { access: 'public' } },
    schema: {
      tags: ['access'],
      summary: 'End this session (token from the header or the cookies)',
      response: { 204: z.null(), 400: problemSchema },
    },
    handler: async (req, reply) => {
      const header = req.headers.authorization;
      const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : (req.cookies[ACCESS_COOKIE] ?? req.cookies[REFRESH_COOKIE]);
      if (token) await signOut(o.db, token, req.ip);
      void reply.clearCookie(ACCESS_COOKIE, { path: '/' }).clearCookie(REFRESH_COOKIE, { path: '/v1/auth' });
      return reply.status(204).send(null);
    },
  });

  r.get('/auth/me', {
    config: { access: { access: 'read' } },
    schema: { tags: ['access'], summary: 'Who the credentials belong to', response: { 200: me, 401: problemSchema } },
    handler: (req) => {
      const p = principalOf(req);
      return { actor: p.actor, kind: p.kind, divisionCode: p.divisionCode, role: p.role, confidential: p.confidential };
    },
  });

  r.post('/auth/password', {
    config: { access: { access: 'read' }, rateLimit: { max: o.loginsPerMinute, timeWindow: 60_000 } },
    schema: {
      tags: ['access'],
      summary: 'Change your own password; every session of yours ends',
      body: z.strictObject({ currentPassword: z.string().min(1).max(200), newPassword: password }),
      response: { 204: z.null(), ...errors, 403: problemSchema },
    },
    handler: async (req, reply) => {
      const p = principalOf(req);
      if (p.kind !== 'user') throw new ProblemError('forbidden', 'an API key has no password');
      const username = p.actor.slice('user:'.length);
      const row = await o.db.selectFrom('users').select('password_hash').where('id', '=', p.id).executeTakeFirstOrThrow();
      if (!(await verifyPassword(req.body.currentPassword, row.password_hash)))
        throw new ProblemError('unauthorized', 'the current password is wrong');
      await setPassword(o.db, username, req.body.newPassword, p.actor);
      return reply.status(204).send(null);
    },
  });
}
