/**
 * Replacing a meter: the old one is marked replaced, the new one registered on the same intake,
 * and both readings at the change are kept so the monitor accounts volume across it.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Db, withActor } from '../../platform/db/database.ts';
import { meter, meterReplacementInput, recordId } from '../../domain/registry/index.ts';
import { notFound, ProblemError, problemSchema } from '../http/problem.ts';
import { insertMeter, meterFromRow, visibleIntakes } from '../../domain/registry/index.ts';
import { principalOf } from '../http/auth.ts';
import { sql, type SqlBool } from 'kysely';

export function meterReplacementRoutes(app: FastifyInstance, { db }: { db: Db }): void {
  app.withTypeProvider<ZodTypeProvider>().post('/meters/:id/replace', {
    config: { access: { access: 'write' } },
    schema: {
      tags: ['meters'],
      summary: 'Replace a meter, recording the old final and new initial totalizer readings',
      params: z.object({ id: recordId }),
      body: meterReplacementInput,
      response: {
        201: z.object({ oldMeter: meter, newMeter: meter }),
        400: problemSchema,
        404: problemSchema,
        409: problemSchema,
        422: problemSchema,
      },
    },
    handler: async (req, reply) => {
      const body = req.body;
      const result = await withActor(db, req.actor, async (trx) => {
        // A meter at an intake the caller may not see does not exist for it.
        const visible = sql<SqlBool>`intake_id in (select id from intakes where ${visibleIntakes(principalOf(req))})`;
        const old = await trx
          .selectFrom('meters')
          .selectAll()
          .where('id', '=', req.params.id)
          .where(visible)
          .forUpdate()
          .executeTakeFirst();
        if (!old) throw notFound('meter', req.params.id);
        if (old.status !== 'active') throw new ProblemError('conflict', `meter ${old.meter_id} is ${old.status}, not active`);
        const oldMeter = await trx
          .updateTable('meters')
          .set({ status: 'replaced' })
          .where('id', '=', old.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const newMeter = await insertMeter(trx, { ...body.newMeter, intakeId: old.intake_id, status: 'active' });
        await trx
          .insertInto('meter_replacements')
          .values({
            old_meter_id: old.id,
            new_meter_id: newMeter.id,
            replaced_at: body.replacedAt,
            old_final_total_m3: body.oldFinalTotalM3,
            new_initial_total_m3: body.newInitialTotalM3,
            note: body.note,
          })
          .execute();
        return { oldMeter: meterFromRow(oldMeter), newMeter };
      });
      return reply.status(201).send(result);
    },
  });
}
