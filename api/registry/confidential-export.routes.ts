/**
 * GET /v1/registry/confidential-export.xlsx: the classified submission, the confidential intakes
 * in the registration form's layout, for a province user with the clearance; every export is
 * recorded in the access audit trail (who, when, how many intakes).
 */
import type { FastifyInstance } from 'fastify';
import { recordAuthEvent } from '../../domain/access/index.ts';
import { confidentialRegistrationRows, divisionPrefix, FORM_HEADERS, type FormRow } from '../../domain/registry/index.ts';
import { sheetOf, toXlsx } from '../../domain/reports/index.ts';
import type { Db } from '../../platform/db/database.ts';
import { principalOf } from '../http/auth.ts';
import { ProblemError } from '../http/problem.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function confidentialExportRoutes(app: FastifyInstance, { db }: { db: Db }): void {
  app.get('/registry/confidential-export.xlsx', {
    config: { access: { access: 'read', confidential: true } },
    schema: {
      tags: ['registry import'],
      summary: 'The confidential intakes in the registration form layout (XLSX), for delivery through the confidential channel',
      description: 'A province user with the clearance only; every export is audited.',
    },
    handler: async (req, reply) => {
      const p = principalOf(req);
      if (divisionPrefix(p.divisionCode).length !== 2)
        throw new ProblemError('forbidden', 'the classified submission is made by the province');
      const rows = await confidentialRegistrationRows(db);
      const table = {
        name: '涉密取水口登记表',
        columns: FORM_HEADERS.map((h) => ({ header: h.header, value: (r: FormRow) => r[h.key] })),
        rows,
      };
      const file = await toXlsx([sheetOf(table)]);
      await recordAuthEvent(db, { kind: 'confidential_export', actor: p.actor, address: req.ip, detail: { intakes: rows.length } });
      return reply.type(XLSX_TYPE).header('content-disposition', 'attachment; filename="confidential-intakes.xlsx"').send(file);
    },
  });
}
