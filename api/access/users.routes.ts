/**
 * Users and API keys, for admins (docs/api.md, "Access"): an admin sees and manages the users
 * and keys of its division and below; only a province admin with the clearance grants it. A user
 * or key outside the admin's division is answered 404, as if it did not exist.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  apiKey,
  apiKeyInput,
  changeUser,
  covers,
  createApiKey,
  createUser,
  findApiKey,
  findUser,
  listApiKeys,
  listUsers,
  mayManage,
  password,
  type Principal,
  revokeApiKey,
  setPassword,
  user,
  userChange,
  userInput,
  username,
} from '../../domain/access/index.ts';
import { divisionPrefix } from '../../domain/registry/index.ts';
import type { Db } from '../../platform/db/database.ts';
import { principalOf } from '../http/auth.ts';
import { notFound, ProblemError, problemSchema } from '../http/problem.ts';

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };
const ADMIN = { access: { access: 'admin' as const } };

function assertMayManage(admin: Principal, target: { divisionCode: string; confidential: boolean }): void {
  if (!mayManage(admin, target)) {
    throw new ProblemError(
      'forbidden',
      target.confidential ? 'only a province admin with the clearance grants it' : `division ${target.divisionCode} is outside yours`,
    );
  }
}

export function userRoutes(app: FastifyInstance, { db }: { db: Db }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  /** The user, if the admin may see it at all; 404 otherwise. */
  const visibleUser = async (admin: Principal, name: string) => {
    const found = await findUser(db, name);
    if (!found || !covers(admin, found.divisionCode)) throw notFound('user', name);
    return found;
  };

  r.get('/users', {
    config: ADMIN,
    schema: {
      tags: ['access'],
      summary: 'Users of your division and below',
      response: { 200: z.object({ items: z.array(user) }), ...errors },
    },
    handler: async (req) => ({ items: await listUsers(db, divisionPrefix(principalOf(req).divisionCode)) }),
  });

  r.post('/users', {
    config: ADMIN,
    schema: { tags: ['access'], summary: 'Create a user', body: userInput, response: { 201: user, ...errors } },
    handler: async (req, reply) => {
      const admin = principalOf(req);
      assertMayManage(admin, { divisionCode: req.body.divisionCode, confidential: req.body.confidential });
      return reply.status(201).send(await createUser(db, req.body, admin.actor));
    },
  });

  r.patch('/users/:username', {
    config: ADMIN,
    schema: {
      tags: ['access'],
      summary: "Change a user's division, role, clearance or name, or disable it; its sessions end",
      params: z.object({ username }),
      body: userChange,
      response: { 200: user, ...errors },
    },
    handler: async (req) => {
      const admin = principalOf(req);
      const current = await visibleUser(admin, req.params.username);
      const next = {
        divisionCode: req.body.divisionCode ?? current.divisionCode,
        confidential: req.body.confidential ?? current.confidential,
      };
      assertMayManage(admin, current);
      assertMayManage(admin, next);
      return changeUser(db, current.username, req.body, admin.actor);
    },
  });

  r.post('/users/:username/password', {
    config: ADMIN,
    schema: {
      tags: ['access'],
      summary: "Set a user's password (a reset); its sessions end",
      params: z.object({ username }),
      body: z.strictObject({ password }),
      response: { 204: z.null(), ...errors },
    },
    handler: async (req, reply) => {
      const admin = principalOf(req);
      const target = await visibleUser(admin, req.params.username);
      assertMayManage(admin, target);
      await setPassword(db, target.username, req.body.password, admin.actor);
      return reply.status(204).send(null);
    },
  });

  r.get('/api-keys', {
    config: ADMIN,
    schema: {
      tags: ['access'],
      summary: 'API keys of your division and below (never the keys themselves)',
      response: { 200: z.object({ items: z.array(apiKey) }), ...errors },
    },
    handler: async (req) => ({ items: await listApiKeys(db, divisionPrefix(principalOf(req).divisionCode)) }),
  });

  r.post('/api-keys', {
    config: ADMIN,
    schema: {
      tags: ['access'],
      summary: 'Create an API key; the key is in this answer only',
      body: apiKeyInput,
      response: { 201: z.object({ key: z.string().describe('Send as X-API-Key; shown this once'), record: apiKey }), ...errors },
    },
    handler: async (req, reply) => {
      const admin = principalOf(req);
      assertMayManage(admin, { divisionCode: req.body.divisionCode, confidential: false });
      return reply.status(201).send(await createApiKey(db, req.body, admin.actor));
    },
  });

  r.post('/api-keys/:id/revoke', {
    config: ADMIN,
    schema: {
      tags: ['access'],
      summary: 'Revoke an API key',
      params: z.object({ id: z.string().regex(/^[0-9]{1,18}$/) }),
      response: { 200: apiKey, ...errors },
    },
    handler: async (req) => {
      const admin = principalOf(req);
      const found = await findApiKey(db, req.params.id);
      if (!found || !covers(admin, found.divisionCode)) throw notFound('API key', req.params.id);
      return revokeApiKey(db, found.id, admin.actor);
    },
  });
}
