/**
 * The monthly report with its narrative (工作开展情况, 取得成效, 存在困难, 意见建议) next to the
 * figures: read it as JSON or a download, and write the narrative (staff of that division only).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { divisionCode } from '../../domain/registry/index.ts';
import {
  getMonthlyReport,
  monthlyNarrative,
  monthlyReport,
  monthlyReportExport,
  saveMonthlyNarrative,
} from '../../domain/reports/index.ts';
import type { Db } from '../../platform/db/database.ts';
import { MONTH_PATTERN } from '../../platform/local-time.ts';
import { principalOf } from '../http/auth.ts';
import { downloadFormat, downloadResponse, oneTable, sendTables } from '../http/downloads.ts';
import { notFound, problemSchema } from '../http/problem.ts';

const params = z.object({ month: z.string().regex(MONTH_PATTERN, 'must be a month as YYYY-MM'), divisionCode });
const narrativeBody = monthlyNarrative.meta({
  id: 'MonthlyNarrative',
  example: {
    workDone: '完成12处取水口现场核查',
    results: '整改销号8项',
    difficulties: '部分机井无电源',
    suggestions: '建议统一计量设施采购',
  },
});

export function narrativeRoutes(app: FastifyInstance, { db }: { db: Db }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/reports/monthly/:month/:divisionCode/report', {
    config: { access: { access: 'read' } },
    schema: {
      tags: ['reports'],
      summary: "A division's monthly progress report: the figures and the narrative, as JSON or as CSV/XLSX",
      params,
      querystring: z.object({ format: downloadFormat }),
      response: { 200: downloadResponse(monthlyReport), 400: problemSchema, 401: problemSchema, 404: problemSchema },
    },
    handler: async (req, reply) => {
      const { month, divisionCode: code } = req.params;
      const report = await getMonthlyReport(db, principalOf(req), { month, divisionCode: code });
      if (!report) throw notFound('monthly report', `${month}/${code}`);
      return sendTables(reply, req.query.format, `月度进展-${code}-${month}`, report, oneTable(monthlyReportExport(report)));
    },
  });

  r.put('/reports/monthly/:month/:divisionCode/narrative', {
    config: { access: { access: 'write' } },
    schema: {
      tags: ['reports'],
      summary: "Write the report's narrative (staff or admins of that very division); fields left out become empty",
      params,
      body: narrativeBody,
      response: { 200: monthlyNarrative, 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema },
    },
    handler: (req) => saveMonthlyNarrative(db, principalOf(req), req.params, req.body),
  });
}
