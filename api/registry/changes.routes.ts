/** The registry's audit trail: every insert, update and retire, with actor, time, before and after. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { RegistryChangesTable } from '../../platform/db/schema.ts';
import { type RegistryChange, registryChange, visibleChanges } from '../../domain/registry/index.ts';
import { principalOf } from '../http/auth.ts';
import { listPage, pageOf, pageQuery } from '../../platform/db/paging.ts';
import { problemSchema } from '../http/problem.ts';

const auditedTables = z.enum(['divisions', 'withdrawal_units', 'intakes', 'permits', 'meters', 'meter_replacements']);

const changeFromRow = (c: Selectable<RegistryChangesTable>): RegistryChange => ({
  id: c.id,
  tableName: c.table_name,
  rowId: c.row_id,
  action: c.action,
  actor: c.actor,
  changedAt: c.changed_at.toISOString(),
  before: c.before as Record<string, unknown> | null,
  after: c.after as Record<string, unknown> | null,
});

export function changeRoutes(app: FastifyInstance, { db }: { db: Db }): void {
  app.withTypeProvider<ZodTypeProvider>().get('/registry-changes', {
    config: { access: { access: 'read' } },
    schema: {
      tags: ['audit'],
      summary: 'Registry change history, newest first',
      querystring: pageQuery.extend({
        table: auditedTables.optional(),
        rowId: z.string().max(40).optional(),
        actor: z.string().max(200).optional(),
      }),
      response: { 200: pageOf(registryChange), 400: problemSchema },
    },
    handler: (req) => {
      const { limit, offset, table, rowId, actor } = req.query;
      let q = db.selectFrom('registry_changes').where(visibleChanges(principalOf(req)));
      if (table) q = q.where('table_name', '=', table);
      if (rowId) q = q.where('row_id', '=', rowId);
      if (actor) q = q.where('actor', '=', actor);
      return listPage(q, (page) => page.selectAll().orderBy('id', 'desc').execute(), changeFromRow, { limit, offset });
    },
  });
}
