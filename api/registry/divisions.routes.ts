/** Administrative divisions (read-only: seeded from GB/T 2260 by `npm run migrate`). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import type { DivisionRow } from '../../platform/db/schema.ts';
import { type Division, division, divisionCode } from '../../domain/registry/index.ts';
import { divisionLevel } from '../../domain/registry/index.ts';
import { listPage, pageOf, pageQuery } from '../../platform/db/paging.ts';
import { notFound, problemSchema } from '../http/problem.ts';

const divisionFromRow = (d: DivisionRow): Division => ({ code: d.code, name: d.name, level: d.level, parentCode: d.parent_code });

export function divisionRoutes(app: FastifyInstance, { db }: { db: Db }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/divisions', {
    config: { access: { access: 'read' } },
    schema: {
      tags: ['divisions'],
      summary: 'List administrative divisions',
      querystring: pageQuery.extend({
        level: divisionLevel.schema.optional(),
        parentCode: divisionCode.optional(),
      }),
      response: { 200: pageOf(division), 400: problemSchema },
    },
    handler: (req) => {
      const { limit, offset, level, parentCode } = req.query;
      let q = db.selectFrom('divisions');
      if (level) q = q.where('level', '=', level);
      if (parentCode) q = q.where('parent_code', '=', parentCode);
      return listPage(q, (page) => page.selectAll().orderBy('code').execute(), divisionFromRow, { limit, offset });
    },
  });
  r.get('/divisions/:code', {
    config: { access: { access: 'read' } },
    schema: {
      tags: ['divisions'],
      summary: 'Get one division',
      params: z.object({ code: divisionCode }),
      response: { 200: division, 400: problemSchema, 404: problemSchema },
    },
    handler: async (req) => {
      const d = await db.selectFrom('divisions').selectAll().where('code', '=', req.params.code).executeTakeFirst();
      if (!d) throw notFound('division', req.params.code);
      return divisionFromRow(d);
    },
  });
}
