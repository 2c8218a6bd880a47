/**
 * POST /v1/ledger/items/{id}/transitions: one lifecycle step of docs/ledger.md, as JSON
 * (`{ "action": "confirm", "note": "..." }`) or as multipart/form-data with the same fields as
 * text parts and files in `attachments` (JPEG, PNG or PDF, at most 20 MB each, judged by content).
 *
 * Concurrency: the domain locks the row, so of two transitions at once one wins; the other is
 * refused with 409 when the first made it illegal, or, when the client sends the version it saw
 * (If-Match with the detail's ETag, or `expectedStatus`), whenever the item changed since.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type AttachmentInput,
  closePayload,
  confirmPayload,
  dismissPayload,
  ledgerEvent,
  ledgerId,
  ledgerItem,
  ledgerStatus,
  type LedgerWorkflowOptions,
  markRectifiedPayload,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS_PER_EVENT,
  reopenPayload,
  startRectifyingPayload,
  transitionAs,
} from '../../domain/ledger/index.ts';
import type { Db } from '../../platform/db/database.ts';
import { principalOf } from '../http/auth.ts';
import { ProblemError, problemSchema } from '../http/problem.ts';

const expectedStatus = ledgerStatus.optional().describe('The status you last saw: refused with 409 when the item is in another one now');

/** The request: the domain's payload per action, plus the optional version check. */
export const transitionBody = z
  .discriminatedUnion('action', [
    confirmPayload.extend({ action: z.literal('confirm'), expectedStatus }),
    dismissPayload.extend({ action: z.literal('dismiss'), expectedStatus }),
    startRectifyingPayload.extend({ action: z.literal('startRectifying'), expectedStatus }),
    markRectifiedPayload.extend({ action: z.literal('markRectified'), expectedStatus }),
    closePayload.extend({ action: z.literal('close'), expectedStatus }),
    reopenPayload.extend({ action: z.literal('reopen'), expectedStatus }),
  ])
  .meta({
    id: 'LedgerTransition',
    description: 'One lifecycle step: the action and its fields (docs/ledger.md, "Allowed transitions")',
    example: {
      action: 'startRectifying',
      measures: '加装在线计量设施',
      responsibleUnit: '某某水务公司',
      responsiblePerson: '张三',
      deadline: '2026-09-30',
      expectedStatus: 'confirmed',
    },
  });
type TransitionBody = z.infer<typeof transitionBody>;

const transitionAnswer = z
  .object({ item: ledgerItem, event: ledgerEvent, attachmentIds: z.array(ledgerId) })
  .meta({ id: 'LedgerTransitionResult' });

const MULTIPART_FIELDS = {
  type: 'object',
  required: ['action'],
  properties: {
    action: { type: 'string', enum: ['confirm', 'dismiss', 'startRectifying', 'markRectified', 'close', 'reopen'] },
    note: { type: 'string' },
    reason: { type: 'string' },
    measures: { type: 'string' },
    responsibleUnit: { type: 'string' },
    responsiblePerson: { type: 'string' },
    deadline: { type: 'string', format: 'date' },
    evidence: { type: 'string' },
    expectedStatus: { type: 'string' },
    attachments: {
      type: 'array',
      maxItems: MAX_ATTACHMENTS_PER_EVENT,
      items: { type: 'string', format: 'binary' },
      description: `Files kept with the event: JPEG, PNG or PDF (judged by content), at most ${MAX_ATTACHMENT_BYTES} bytes each`,
    },
  },
} as const;

/** The multipart limits' errors mean "too large"; anything else busboy throws is a malformed body. */
const TOO_LARGE = new Set(['FST_REQ_FILE_TOO_LARGE', 'FST_FILES_LIMIT', 'FST_PARTS_LIMIT', 'FST_FIELDS_LIMIT']);
function multipartProblem(err: unknown): never {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  const message = err instanceof Error ? err.message : String(err);
  if (TOO_LARGE.has(code))
    throw new ProblemError(
      'payload_too_large',
      `${message} (attachments: at most ${MAX_ATTACHMENTS_PER_EVENT} files of ${MAX_ATTACHMENT_BYTES} bytes)`,
      undefined,
      { cause: err },
    );
  throw new ProblemError('validation_failed', `not a readable multipart/form-data body: ${message}`, [{ in: 'body', path: '', message }], {
    cause: err,
  });
}

async function readMultipart(req: FastifyRequest): Promise<{ body: TransitionBody; files: AttachmentInput[] }> {
  const fields: Record<string, string> = {};
  const files: AttachmentInput[] = [];
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'attachments')
          throw new ProblemError('validation_failed', `files go in the field "attachments", not "${part.fieldname}"`);
        files.push({ filename: part.filename, content: await part.toBuffer() });
      } else {
        fields[part.fieldname] = typeof part.value === 'string' ? part.value : String(part.value);
      }
    }
  } catch (err) {
    if (err instanceof ProblemError) throw err;
    multipartProblem(err);
  }
  return { body: transitionBody.parse(fields), files };
}

/** The version in If-Match: the ETag of the detail (`"<updatedAt>"`, weak or strong). */
function ifMatchVersion(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^(?:W\/)?"([^"]{1,64})"$/.exec(header.trim());
  if (!m?.[1] || Number.isNaN(Date.parse(m[1])))
    throw new ProblemError('validation_failed', 'If-Match: expected the ETag of the item detail', [
      { in: 'headers', path: 'if-match', message: 'not an ETag of this API' },
    ]);
  return m[1];
}

export async function transitionRoutes(app: FastifyInstance, { db, workflow }: { db: Db; workflow: LedgerWorkflowOptions }): Promise<void> {
  await app.register(multipart, {
    limits: { files: MAX_ATTACHMENTS_PER_EVENT, fileSize: MAX_ATTACHMENT_BYTES, fields: 20, fieldSize: 64 * 1024, parts: 40 },
  });
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/ledger/items/:id/transitions', {
    config: { access: { access: 'write' }, multipartBody: MULTIPART_FIELDS },
    schema: {
      tags: ['ledger'],
      summary:
        'Take one lifecycle step on an entry (confirm, dismiss, startRectifying, markRectified, close, reopen), optionally with attachments',
      description:
        'JSON, or multipart/form-data with the same fields as text parts and the files in "attachments". 409: the lifecycle refuses the step now ' +
        '(also when the item changed after the version in If-Match or expectedStatus); 403: a rule of duty (auditors; the user who marked it rectified ' +
        "does not close it; a county's item is closed by a city or province user); 413: a file over 20 MB; 415: a file that is not JPEG, PNG or PDF.",
      consumes: ['application/json', 'multipart/form-data'],
      params: z.object({ id: ledgerId }),
      headers: z.object({
        'if-match': z.string().optional().describe('The ETag of GET /v1/ledger/items/{id}: refused with 409 if the item changed since'),
      }),
      // Nullish: a multipart body (null to the validator) is read by the handler.
      body: transitionBody.nullish(),
      response: {
        200: transitionAnswer,
        400: problemSchema,
        401: problemSchema,
        403: problemSchema,
        404: problemSchema,
        409: problemSchema,
        413: problemSchema,
        415: problemSchema,
      },
    },
    handler: async (req) => {
      const version = ifMatchVersion(req.headers['if-match']);
      let body: TransitionBody | null | undefined = req.body;
      let files: AttachmentInput[] = [];
      if (req.isMultipart()) ({ body, files } = await readMultipart(req));
      if (body === undefined || body === null)
        throw new ProblemError('validation_failed', 'send the transition as JSON or multipart/form-data', [
          { in: 'body', path: '', message: 'required' },
        ]);
      const { expectedStatus: status, ...request } = body;
      const expected =
        status === undefined && version === undefined
          ? undefined
          : { ...(status ? { status } : {}), ...(version ? { updatedAt: version } : {}) };
      return transitionAs(db, principalOf(req), req.params.id, request, {
        workflow,
        attachments: files,
        ...(expected ? { expected } : {}),
      });
    },
  });
}
