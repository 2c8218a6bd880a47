/**
 * GET /v1/ingest/rejections: the MQTT messages ingest refused, for staff to see why (brief,
 * section 3). The raw bytes come back as base64, with a text preview when they are UTF-8.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { IngestRejectionsTable } from '../../platform/db/schema.ts';
import { visibleRejections } from '../../domain/registry/index.ts';
import { REJECTION_CODES } from '../../domain/telemetry/index.ts';
import { principalOf } from '../http/auth.ts';
import { listPage, pageOf, pageQuery } from '../../platform/db/paging.ts';
import { problemSchema } from '../http/problem.ts';

const rejectionCode = z.enum(REJECTION_CODES);

const rejection = z.object({
  id: z.string(),
  receivedAt: z.iso.datetime({ offset: true }),
  topic: z.string(),
  meterId: z.string().nullable(),
  reasonCode: z.string(),
  reason: z.string(),
  payloadBytes: z.number().int().describe('Size of the message as received'),
  payloadBase64: z.string().describe('The stored bytes (at most the first 64 KiB)'),
  payloadText: z.string().nullable().describe('The stored bytes as text, when they are UTF-8'),
});

const utf8 = new TextDecoder('utf-8', { fatal: true });
function asText(bytes: Buffer): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

const rejectionFromRow = (r: Selectable<IngestRejectionsTable>): z.infer<typeof rejection> => ({
  id: r.id,
  receivedAt: r.received_at.toISOString(),
  topic: r.topic,
  meterId: r.meter_id,
  reasonCode: r.reason_code,
  reason: r.reason,
  payloadBytes: r.payload_bytes,
  payloadBase64: r.payload.toString('base64'),
  payloadText: asText(r.payload),
});

export function rejectionRoutes(app: FastifyInstance, { db }: { db: Db }): void {
  app.withTypeProvider<ZodTypeProvider>().get('/ingest/rejections', {
    config: { access: { access: 'read' } },
    schema: {
      tags: ['telemetry'],
      summary: 'Messages ingest refused, newest first',
      querystring: pageQuery.extend({
        meterId: z.string().max(64).optional(),
        reasonCode: rejectionCode.optional(),
        since: z.iso.datetime({ offset: true }).optional().describe('Received at or after'),
      }),
      response: { 200: pageOf(rejection), 400: problemSchema },
    },
    handler: (req) => {
      const { limit, offset, meterId, reasonCode, since } = req.query;
      let q = db.selectFrom('ingest_rejections').where(visibleRejections(principalOf(req)));
      if (meterId) q = q.where('meter_id', '=', meterId);
      if (reasonCode) q = q.where('reason_code', '=', reasonCode);
      if (since) q = q.where('received_at', '>=', new Date(since));
      return listPage(q, (page) => page.selectAll().orderBy('id', 'desc').execute(), rejectionFromRow, { limit, offset });
    },
  });
}
