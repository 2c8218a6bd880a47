/**
 * Level-by-level submissions over HTTP (issue 18; docs/submissions.md): a county or city submits
 * its rectification ledger, registration summary or monthly report (a frozen snapshot) to the
 * level above, which accepts it or returns it with a note; the late and missing are listed.
 * A submission of a division outside the caller's answers 404.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  getSubmission,
  listSubmissions,
  reviewRequest,
  reviewSubmission,
  submission,
  submissionKind,
  submissionListQuery,
  submissionRequest,
  type SubmissionDeadlines,
  submissionState,
  submissionStates,
  submit,
} from '../../domain/submissions/index.ts';
import type { Db } from '../../platform/db/database.ts';
import { principalOf } from '../http/auth.ts';
import { notFound, problemSchema } from '../http/problem.ts';

const submissionId = z.string().regex(/^[1-9][0-9]{0,18}$/, 'expected a positive integer id');
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };
const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

const submitBody = submissionRequest.meta({ id: 'SubmissionRequest', example: { kind: 'monthly', period: '2026-05' } });
const reviewBody = reviewRequest.meta({ id: 'SubmissionReview', example: { decision: 'return', note: '整改措施不完整，请补充责任人' } });

export function submissionRoutes(app: FastifyInstance, { db, deadlines }: { db: Db; deadlines: SubmissionDeadlines }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/submissions', {
    config: { access: { access: 'write' } },
    schema: {
      tags: ['submissions'],
      summary: "Submit your own division's ledger (Annex 3), registration summary (Annex 2) or monthly report to the level above",
      description:
        '409: submitted already (a returned one may be submitted again), a county submission of the same kind and period awaits your review, or the monthly report is not generated yet.',
      body: submitBody,
      response: { 201: submission, ...errors, 409: problemSchema },
    },
    handler: async (req, reply) => reply.status(201).send(await submit(db, principalOf(req), req.body, { deadlines })),
  });

  r.post('/submissions/:id/review', {
    config: { access: { access: 'write' } },
    schema: {
      tags: ['submissions'],
      summary: 'Accept a submission made to your division, or return it with a note',
      params: z.object({ id: submissionId }),
      body: reviewBody,
      response: { 200: submission, ...errors, 409: problemSchema },
    },
    handler: (req) => reviewSubmission(db, principalOf(req), req.params.id, req.body),
  });

  r.get('/submissions', {
    config: { access: { access: 'read' } },
    schema: {
      tags: ['submissions'],
      summary: 'Submissions of your division and the divisions inside it, newest first, without their snapshots',
      querystring: submissionListQuery,
      response: { 200: z.object({ items: z.array(submission) }), ...errors },
    },
    handler: async (req) => ({ items: await listSubmissions(db, principalOf(req), req.query) }),
  });

  r.get('/submissions/states', {
    config: { access: { access: 'read' } },
    schema: {
      tags: ['submissions'],
      summary: 'Each county and city inside your division that owes the kind for the period: on time, late, missing or not yet due',
      querystring: z.object({
        kind: submissionKind,
        period: z.string().max(7).describe('YYYY-MM for monthly, YYYY for ledger and registration'),
        onlyLateOrMissing: flag.describe('true: only the late and the missing'),
      }),
      response: { 200: z.object({ items: z.array(submissionState) }), ...errors },
    },
    handler: async (req) => {
      const { onlyLateOrMissing, kind, period } = req.query;
      return { items: await submissionStates(db, principalOf(req), { kind, period }, { deadlines, onlyLateOrMissing }) };
    },
  });

  r.get('/submissions/:id', {
    config: { access: { access: 'read' } },
    schema: {
      tags: ['submissions'],
      summary: 'One submission with its frozen snapshot',
      params: z.object({ id: submissionId }),
      response: { 200: submission, ...errors },
    },
    handler: async (req) => {
      const found = await getSubmission(db, principalOf(req), req.params.id);
      if (!found) throw notFound('submission', req.params.id);
      return found;
    },
  });
}
