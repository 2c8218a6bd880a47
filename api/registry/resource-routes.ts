/**
 * The five routes every registry record has: list (filters + pages), get, create, update (PATCH,
 * merged with the current record and validated whole, so cross-field rules hold), retire.
 * Records are never deleted: retiring keeps history and the references of readings and items.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { recordId } from '../../domain/registry/index.ts';
import { pageOf, pageQuery } from '../../platform/db/paging.ts';
import { notFound, ProblemError, problemSchema } from '../http/problem.ts';
import type { RegistryStore, Viewer } from '../../domain/registry/index.ts';
import { principalOf } from '../http/auth.ts';

export interface ResourceDefinition<TInput, TRecord, TFilter> {
  /** URL segment, e.g. "intakes". */
  path: string;
  /** OpenAPI tag. */
  tag: string;
  store: RegistryStore<TInput, TRecord, TFilter>;
  input: z.ZodType<TInput>;
  record: z.ZodType<TRecord>;
  filter: z.ZodObject<z.ZodRawShape> & z.ZodType<TFilter>;
}

const idParams = z.object({ id: recordId });
type IdParams = z.infer<typeof idParams>;
const errors = { 400: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

export function registerResource<TInput, TRecord, TFilter>(app: FastifyInstance, def: ResourceDefinition<TInput, TRecord, TFilter>): void {
  // Generic over the record kind, so requests are typed here by route generics; the zod schemas
  // still validate every request and serialise every response (see app.ts compilers).
  const r = app;
  const { store, path, tag } = def;
  const mustGet = async (viewer: Viewer, id: string) => {
    const found = await store.get(viewer, id);
    if (!found) throw notFound(store.kind, id);
    return found;
  };

  r.get<{ Querystring: { limit: number; offset: number } & Record<string, unknown> }>(`/${path}`, {
    config: { access: { access: 'read' as const } },
    schema: {
      tags: [tag],
      summary: `List ${path}`,
      querystring: pageQuery.extend(def.filter.shape),
      response: { 200: pageOf(def.record), 400: problemSchema },
    },
    handler: async (req) => {
      const { limit, offset, ...filter } = req.query;
      return store.list(principalOf(req), filter as TFilter, { limit, offset });
    },
  });

  r.get<{ Params: IdParams }>(`/${path}/:id`, {
    config: { access: { access: 'read' as const } },
    schema: { tags: [tag], summary: `Get one ${store.kind}`, params: idParams, response: { 200: def.record, ...errors } },
    handler: (req) => mustGet(principalOf(req), req.params.id),
  });

  r.post<{ Body: TInput }>(`/${path}`, {
    config: { access: { access: 'write' as const } },
    schema: { tags: [tag], summary: `Create a ${store.kind}`, body: def.input, response: { 201: def.record, ...errors } },
    handler: async (req, reply) => {
      const created = await store.create(principalOf(req), req.body as TInput, req.actor);
      return reply.status(201).send(created);
    },
  });

  r.patch<{ Params: IdParams; Body: Record<string, unknown> }>(`/${path}/:id`, {
    config: { access: { access: 'write' as const } },
    schema: {
      tags: [tag],
      summary: `Change fields of a ${store.kind}`,
      description: 'Send only the fields to change; the merged record is validated as a whole.',
      params: idParams,
      body: z.record(z.string(), z.unknown()),
      response: { 200: def.record, ...errors },
    },
    handler: async (req) => {
      const current = await mustGet(principalOf(req), req.params.id);
      const merged = def.input.safeParse({ ...(current as object), ...req.body });
      if (!merged.success) {
        const fieldErrors = merged.error.issues.map((i) => ({ in: 'body' as const, path: i.path.join('.'), message: i.message }));
        throw new ProblemError('validation_failed', fieldErrors.map((e) => `${e.path}: ${e.message}`).join('; '), fieldErrors);
      }
      const updated = await store.update(principalOf(req), req.params.id, merged.data, req.actor);
      if (!updated) throw notFound(store.kind, req.params.id);
      return updated;
    },
  });

  r.post<{ Params: IdParams }>(`/${path}/:id/retire`, {
    config: { access: { access: 'write' as const } },
    schema: {
      tags: [tag],
      summary: `Retire a ${store.kind}`,
      description: 'Takes the record out of service; it stays in the registry with its history.',
      params: idParams,
      response: { 200: def.record, ...errors },
    },
    handler: async (req) => {
      const retired = await store.retire(principalOf(req), req.params.id, req.actor);
      if (!retired) throw notFound(store.kind, req.params.id);
      return retired;
    },
  });
}
