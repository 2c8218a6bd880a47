/**
 * POST /v1/registry/imports: the registration form as CSV or XLSX (multipart field "file").
 * 200 with the report when imported (or validated, for a dry run); 422 with the same report when
 * rejected, nothing written. GET the templates at /v1/registry/import-template.{csv,xlsx}.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../platform/config.ts';
import type { Db } from '../../platform/db/database.ts';
import { ProblemError, problemSchema } from '../http/problem.ts';
import { principalOf } from '../http/auth.ts';
import { ImportLimitError, UnreadableFileError } from '../../domain/registry/index.ts';
import { IMPORT_LIMITS, importRegistry } from '../../domain/registry/index.ts';
import { templateCsv, templateXlsx } from '../../domain/registry/index.ts';

const counts = z.object({ units: z.number().int(), intakes: z.number().int(), permits: z.number().int() });
/** The ImportResult of types.ts, as the API documents and serialises it. */
const importReport = z
  .object({
    status: z.enum(['imported', 'rejected', 'validated']),
    format: z.enum(['csv', 'xlsx']),
    rows: z.number().int(),
    errors: z.array(z.object({ row: z.number().int().nullable(), column: z.string().nullable(), reason: z.string() })),
    suspectedDuplicates: z.array(
      z.union([
        z.object({ row: z.number().int(), otherRow: z.number().int(), distanceM: z.number() }),
        z.object({ row: z.number().int(), existingIntakeId: z.string(), existingIntakeCode: z.string(), distanceM: z.number() }),
      ]),
    ),
    outOfScope: z.array(z.object({ row: z.number().int(), code: z.string(), reason: z.string() })),
    planned: counts,
    created: counts,
    reusedUnits: z.number().int(),
  })
  .meta({ id: 'RegistryImportReport' });

/** The multipart limits' errors: the only ones that mean "too large". */
const TOO_LARGE = new Set(['FST_REQ_FILE_TOO_LARGE', 'FST_FILES_LIMIT', 'FST_PARTS_LIMIT', 'FST_FIELDS_LIMIT']);

/**
 * Reading the multipart body failed. busboy's own errors (no boundary, a body cut off in a part or
 * its headers, not multipart at all) carry no status and would be 500s: they are the client's, 400.
 */
function multipartProblem(err: unknown): never {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  const message = err instanceof Error ? err.message : String(err);
  if (TOO_LARGE.has(code)) throw new ProblemError('payload_too_large', message, undefined, { cause: err });
  throw new ProblemError(
    'validation_failed',
    `not a readable multipart/form-data body: ${message}`,
    [{ in: 'body', path: 'file', message }],
    {
      cause: err,
    },
  );
}

const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

export async function importRoutes(
  app: FastifyInstance,
  { db, config }: { db: Db; config: Pick<Config, 'provinceCode' | 'importDuplicateDistanceM'> },
): Promise<void> {
  await app.register(multipart, { limits: { files: 1, fileSize: IMPORT_LIMITS.maxFileBytes, fields: 5 } });
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/registry/imports', {
    config: {
      access: { access: 'write' },
      multipartBody: {
        type: 'object',
        required: ['file'],
        properties: {
          file: {
            type: 'string',
            format: 'binary',
            description: `The form, CSV (UTF-8) or XLSX, at most ${IMPORT_LIMITS.maxFileBytes} bytes`,
          },
        },
      },
    },
    schema: {
      tags: ['registry import'],
      summary: 'Import the registration form (CSV or XLSX): all rows or none',
      description: 'multipart/form-data with one file in the field "file". See docs/registry-import.md.',
      consumes: ['multipart/form-data'],
      querystring: z.object({
        dryRun: flag.describe('Validate and report only'),
        acceptSuspectedDuplicates: flag.describe('Import even when suspected duplicates were found'),
      }),
      response: { 200: importReport, 400: problemSchema, 413: problemSchema, 422: importReport.or(problemSchema) },
    },
    handler: async (req, reply) => {
      const part = await req.file().catch(multipartProblem);
      if (!part || part.fieldname !== 'file') {
        throw new ProblemError('validation_failed', 'send the form as multipart/form-data with the file in the field "file"');
      }
      const file = await part.toBuffer().catch(multipartProblem);
      try {
        const report = await importRegistry(db, file, {
          actor: req.actor,
          provinceCode: config.provinceCode,
          scopeDivisionCode: principalOf(req).divisionCode,
          duplicateDistanceM: config.importDuplicateDistanceM,
          dryRun: req.query.dryRun,
          acceptSuspectedDuplicates: req.query.acceptSuspectedDuplicates,
        });
        return await reply.status(report.status === 'rejected' ? 422 : 200).send(report);
      } catch (err) {
        if (err instanceof ImportLimitError) throw new ProblemError('payload_too_large', err.message);
        if (err instanceof UnreadableFileError) throw new ProblemError('unprocessable', err.message);
        throw err;
      }
    },
  });

  r.get('/registry/import-template.csv', {
    config: { access: { access: 'read' } },
    schema: { tags: ['registry import'], summary: 'The registration form template, CSV (UTF-8)' },
    handler: (_req, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="registry-import-template.csv"')
        .send(templateCsv()),
  });
  r.get('/registry/import-template.xlsx', {
    config: { access: { access: 'read' } },
    schema: { tags: ['registry import'], summary: 'The registration form template, XLSX' },
    handler: async (_req, reply) =>
      reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', 'attachment; filename="registry-import-template.xlsx"')
        .send(await templateXlsx()),
  });
}
