/**
 * GET /v1/reports/monthly: the monthly progress reports the monitor writes on the 1st
 * (domain/reports/monthly-report.ts, domain/reports/generate-monthly-reports.ts), per division,
 * scoped to the caller: divisions inside its own, and the figures without confidential intakes
 * unless it holds the clearance. The narrative and the downloads are in narrative.routes.ts, the
 * campaign tables in campaign.routes.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { divisionCode, divisionLevel, divisionPrefix } from '../../domain/registry/index.ts';
import { MONTH_PATTERN } from '../../platform/local-time.ts';
import { getMonthlyReport, type MonthlyReportFigures, monthlyReportFigures } from '../../domain/reports/index.ts';
import { listPage, pageOf, pageQuery } from '../../platform/db/paging.ts';
import { principalOf } from '../http/auth.ts';
import { notFound, problemSchema } from '../http/problem.ts';
import { campaignRoutes } from './campaign.routes.ts';
import { narrativeRoutes } from './narrative.routes.ts';

const month = z.string().regex(MONTH_PATTERN, 'must be a month as YYYY-MM');

// The figures were written from monthlyReportFigures, and the response schema checks them again on
// the way out (a stored report that did not match would be a 500, not a wrong answer).
const asFigures = (raw: unknown): MonthlyReportFigures => raw as MonthlyReportFigures;

export function reportRoutes(app: FastifyInstance, { db }: { db: Db }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/reports/monthly', {
    config: { access: { access: 'read' } },
    schema: {
      tags: ['reports'],
      summary: 'Monthly progress reports of your division and those inside it, newest month first, then by division code',
      querystring: pageQuery.extend({
        month: month.optional(),
        divisionCode: divisionCode.optional(),
        level: divisionLevel.schema.optional(),
      }),
      response: { 200: pageOf(monthlyReportFigures), 400: problemSchema },
    },
    handler: (req) => {
      const p = principalOf(req);
      const { limit, offset, month: m, divisionCode: code, level } = req.query;
      // Without the clearance, the figures that leave confidential intakes out.
      const column = p.confidential ? 'figures' : 'public_figures';
      let q = db
        .selectFrom('monthly_reports')
        .where('division_code', 'like', `${divisionPrefix(p.divisionCode)}%`)
        .where(column, 'is not', null);
      if (m) q = q.where('month', '=', m);
      if (code) q = q.where('division_code', '=', code);
      if (level) q = q.where('level', '=', level);
      return listPage(
        q,
        (page) => page.select(`${column} as figures`).orderBy('month', 'desc').orderBy('division_code').execute(),
        (row) => asFigures(row.figures),
        { limit, offset },
      );
    },
  });
  r.get('/reports/monthly/:month/:divisionCode', {
    config: { access: { access: 'read' } },
    schema: {
      tags: ['reports'],
      summary: "One division's monthly progress report (the figures; with the narrative and as a download: .../report)",
      params: z.object({ month, divisionCode }),
      response: { 200: monthlyReportFigures, 400: problemSchema, 404: problemSchema },
    },
    handler: async (req) => {
      const { month: m, divisionCode: code } = req.params;
      const report = await getMonthlyReport(db, principalOf(req), { month: m, divisionCode: code });
      if (!report) throw notFound('monthly report', `${m}/${code}`);
      return report.figures;
    },
  });
  narrativeRoutes(app, { db });
  campaignRoutes(app, { db });
}
