/**
 * The campaign's tables (issue 18): Annex 2, the registration summary by county, and Annex 3, the
 * rectification table; as JSON, or as CSV/XLSX with the plan's Chinese headers and a 合计 row
 * computed from the same JSON. Every text cell that a spreadsheet would run is neutralised
 * (domain/reports/export).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { divisionCode } from '../../domain/registry/index.ts';
import {
  buildRectificationTable,
  buildRegistrationSummary,
  rectificationTable,
  rectificationTableExport,
  registrationSummary,
  registrationSummaryTable,
} from '../../domain/reports/index.ts';
import type { Db } from '../../platform/db/database.ts';
import { principalOf } from '../http/auth.ts';
import { downloadFormat, downloadResponse, oneTable, sendTables } from '../http/downloads.ts';
import { problemSchema } from '../http/problem.ts';

const errors = { 400: problemSchema, 401: problemSchema };
const division = divisionCode.optional().describe('A division inside yours (default: yours); one outside it gives an empty table');

export function campaignRoutes(app: FastifyInstance, { db }: { db: Db }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/reports/registration-summary', {
    config: { access: { access: 'read' } },
    schema: {
      tags: ['reports'],
      summary: 'Annex 2: intakes by county, by water source, water use, kind, permit status and metering status (取水口登记汇总表)',
      querystring: z.object({
        division,
        asOf: z.iso.date().optional().describe('Judge permits on this local date (default today)'),
        format: downloadFormat,
      }),
      response: { 200: downloadResponse(registrationSummary), ...errors },
    },
    handler: async (req, reply) => {
      const { format, division: d, asOf } = req.query;
      const p = principalOf(req);
      const summary = await buildRegistrationSummary(db, p, { ...(d ? { division: d } : {}), ...(asOf ? { asOf } : {}) });
      return sendTables(
        reply,
        format,
        `附件2-取水口登记汇总表-${summary.divisionCode}`,
        summary,
        oneTable(registrationSummaryTable(summary)),
      );
    },
  });

  r.get('/reports/rectification-table', {
    config: { access: { access: 'read' } },
    schema: {
      tags: ['reports'],
      summary:
        'Annex 3: every rectification item not dismissed, with measures, responsible unit and person, deadline, status, closed on (问题整改台账)',
      querystring: z.object({ division, format: downloadFormat }),
      response: { 200: downloadResponse(rectificationTable), ...errors },
    },
    handler: async (req, reply) => {
      const { format, division: d } = req.query;
      const table = await buildRectificationTable(db, principalOf(req), d ? { division: d } : {});
      return sendTables(reply, format, `附件3-问题整改台账-${table.divisionCode}`, table, oneTable(rectificationTableExport(table)));
    },
  });
}
