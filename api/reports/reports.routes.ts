/**
 * GET /v1/reports/monthly: the monthly progress reports the monitor writes on the 1st
 * (domain/reports/monthly-report.ts, domain/reports/generate-monthly-reports.ts), per division.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import type { MonthlyReportsTable } from '../../platform/db/schema.ts';
import { divisionCode } from '../../domain/registry/index.ts';
import { divisionLevel } from '../../domain/registry/index.ts';
import { MONTH_PATTERN } from '../../platform/local-time.ts';
import { type MonthlyReportFigures, monthlyReportFigures } from '../../domain/reports/index.ts';
import { listPage, pageOf, pageQuery } from '../../platform/db/paging.ts';
import { notFound, problemSchema } from '../http/problem.ts';
import { principalOf } from '../http/auth.ts';
import { covers, type Principal } from '../../domain/access/index.ts';
import { divisionPrefix } from '../../domain/registry/index.ts';

const month = z.string().regex(MONTH_PATTERN, 'must be a month as YYYY-MM');

// The figures were written from monthlyReportFigures, and the response schema checks them again on
// the way out (a stored report that did not match would be a 500, not a wrong answer).
// A caller without the clearance gets the figures without confidential intakes (docs/api.md, "Access").
const reportFor = (p: Principal) => (r: Selectable<MonthlyReportsTable>): MonthlyReportFigures =>
  (p.confidential ? r.figures : (r.public_figures ?? r.figures)) as MonthlyReportFigures;

export function reportRoutes(app: FastifyInstance, { db }: { db: Db }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/reports/monthly', {
    config: { access: { access: 'read' } },
    schema: {
      tags: ['reports'],
      summary: 'Monthly progress reports, newest month first, then by division code',
      querystring: pageQuery.extend({
        month: month.optional(),
        divisionCode: divisionCode.optional(),
        level: divisionLevel.schema.optional(),
      }),
      response: { 200: pageOf(monthlyReportFigures), 400: problemSchema },
    },
    handler: (req) => {
      const { limit, offset, month: m, divisionCode: code, level } = req.query;
      const p = principalOf(req);
      // Only reports of the caller's division and below: a county's user does not see its city's totals.
      let q = db.selectFrom('monthly_reports').where('division_code', 'like', `${divisionPrefix(p.divisionCode)}%`);
      if (m) q = q.where('month', '=', m);
      if (code) q = q.where('division_code', '=', code);
      if (level) q = q.where('level', '=', level);
      return listPage(q, (page) => page.selectAll().orderBy('month', 'desc').orderBy('division_code').execute(), reportFor(p), { limit, offset });
    },
  });
  r.get('/reports/monthly/:month/:divisionCode', {
    config: { access: { access: 'read' } },
    schema: {
      tags: ['reports'],
      summary: "One division's monthly progress report",
      params: z.object({ month, divisionCode }),
      response: { 200: monthlyReportFigures, 400: problemSchema, 404: problemSchema },
    },
    handler: async (req) => {
      const { month: m, divisionCode: code } = req.params;
      const row = await db.selectFrom('monthly_reports').selectAll().where('month', '=', m).where('division_code', '=', code).executeTakeFirst();
      const p = principalOf(req);
      if (!row || !covers(p, row.division_code)) throw notFound('monthly report', `${m}/${code}`);
      return reportFor(p)(row);
    },
  });
}
