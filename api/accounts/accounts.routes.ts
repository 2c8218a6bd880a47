/**
 * The water-use accounts (issue 18; docs/submissions.md, "Accounts"): an intake's year against
 * its permit, and a period's totals by county and city, as JSON or as CSV/XLSX downloads. An
 * intake outside the caller's division (or confidential without the clearance) answers 404.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  divisionAccounts,
  divisionAccountsQuery,
  getDivisionAccounts,
  getIntakeAccounts,
  intakeAccounts,
  intakeAccountsQuery,
} from '../../domain/accounts/index.ts';
import { divisionAccountsTable, intakeDaysTable, intakeMonthsTable, sheetOf, toCsv } from '../../domain/reports/index.ts';
import type { Db } from '../../platform/db/database.ts';
import { principalOf } from '../http/auth.ts';
import { downloadFormat, downloadResponse, oneTable, sendTables } from '../http/downloads.ts';
import { notFound, problemSchema } from '../http/problem.ts';

const errors = { 400: problemSchema, 401: problemSchema, 404: problemSchema };

export function accountRoutes(app: FastifyInstance, { db }: { db: Db }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/accounts/intakes/:id', {
    config: { access: { access: 'read' } },
    schema: {
      tags: ['accounts'],
      summary: "An intake's year: each day, each month against the plan, the year against the permit, with the projection and completeness",
      description:
        "format=csv gives the days (合计 = the year's volume); format=xlsx the months (with the year's totals) and the days, one sheet each.",
      params: z.object({ id: z.string().regex(/^[1-9][0-9]{0,18}$/, 'expected a positive integer id') }),
      querystring: intakeAccountsQuery.extend({ format: downloadFormat }),
      response: { 200: downloadResponse(intakeAccounts), ...errors },
    },
    handler: async (req, reply) => {
      const a = await getIntakeAccounts(db, principalOf(req), req.params.id, { year: req.query.year });
      if (!a) throw notFound('intake', req.params.id);
      return sendTables(reply, req.query.format, `取水台账-${a.intake.code}-${a.year}`, a, {
        csv: () => toCsv(intakeDaysTable(a)),
        sheets: () => [sheetOf(intakeMonthsTable(a)), sheetOf(intakeDaysTable(a))],
      });
    },
  });

  r.get('/accounts/divisions', {
    config: { access: { access: 'read' } },
    schema: {
      tags: ['accounts'],
      summary: "A year's or a month's totals by county and city inside your division (or the division asked for inside it)",
      querystring: divisionAccountsQuery.extend({ format: downloadFormat }),
      response: { 200: downloadResponse(divisionAccounts), ...errors },
    },
    handler: async (req, reply) => {
      const { format, ...query } = req.query;
      const d = await getDivisionAccounts(db, principalOf(req), query);
      return sendTables(reply, format, `分区取水量-${d.period}`, d, oneTable(divisionAccountsTable(d)));
    },
  });
}
