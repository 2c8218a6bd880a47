/**
 * Level-by-level submissions (issue 18; docs/submissions.md): a county submits its rectification
 * ledger (Annex 3), its registration summary (Annex 2) and its monthly progress report to its
 * city; the city accepts each or returns it with a note, then submits its own to the province.
 * A submission is a frozen snapshot (jsonb) with who and when; a returned one stays as it was and
 * the division submits again.
 *
 * Snapshots never hold confidential intakes, whoever submits: the plan sends their results on
 * disc through the confidential channel, and a snapshot is read by the level above, whose users
 * may not hold the clearance.
 */
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { localDay } from '../../platform/local-time.ts';
import { covers, type Principal, permits } from '../access/index.ts';
import { levelOf, scopePrefix } from '../ledger/index.ts';
import { divisionCode } from '../registry/index.ts';
import { buildRectificationTable, buildRegistrationSummary, getMonthlyReport } from '../reports/index.ts';
import {
  DEFAULT_SUBMISSION_DEADLINES,
  dueOn,
  periodProblem,
  type SubmissionDeadlines,
  type SubmissionKind,
  submissionKind,
} from './deadlines.ts';

export type SubmissionErrorCode = 'not_found' | 'forbidden' | 'conflict' | 'not_ready' | 'invalid';
/** The HTTP status each code maps to, for the route author. */
export const SUBMISSION_ERROR_STATUS = {
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  not_ready: 409,
  invalid: 400,
} as const satisfies Record<SubmissionErrorCode, number>;

export class SubmissionError extends Error {
  readonly code: SubmissionErrorCode;
  constructor(code: SubmissionErrorCode, message: string) {
    super(message);
    this.name = 'SubmissionError';
    this.code = code;
  }
}

const instant = z.iso.datetime({ offset: true });

export const submissionRequest = z
  .strictObject({
    kind: submissionKind,
    period: z.string().describe('YYYY-MM for monthly, YYYY for ledger and registration'),
  })
  .superRefine((r, ctx) => {
    const problem = periodProblem(r.kind, r.period);
    if (problem !== null) ctx.addIssue({ code: 'custom', path: ['period'], message: problem });
  })
  .meta({ examples: [{ kind: 'monthly', period: '2026-05' }] });
export type SubmissionRequest = z.infer<typeof submissionRequest>;

export const reviewRequest = z
  .strictObject({
    decision: z.enum(['accept', 'return']),
    note: z.string().trim().min(1).max(4000).optional().describe('Required when returning: what to complete or correct'),
  })
  .refine((r) => r.decision === 'accept' || r.note !== undefined, { path: ['note'], error: 'a returned submission needs a note' })
  .meta({ examples: [{ decision: 'return', note: '整改措施不完整，请补充责任人' }] });
export type ReviewRequest = z.infer<typeof reviewRequest>;

export const submission = z.object({
  id: z.string(),
  kind: submissionKind,
  period: z.string(),
  divisionCode: z.string(),
  level: z.enum(['county', 'city']),
  toDivisionCode: z.string(),
  status: z.enum(['submitted', 'accepted', 'returned']),
  dueOn: z.iso.date(),
  late: z.boolean().describe('Submitted after the local day it was due'),
  submittedBy: z.string(),
  submittedAt: instant,
  reviewedBy: z.string().nullable(),
  reviewedAt: instant.nullable(),
  reviewNote: z.string().nullable(),
  snapshot: z
    .unknown()
    .describe('The frozen content: the rectification table, the registration summary, or the monthly report with its narrative'),
});
export type Submission = z.infer<typeof submission>;

type Row = {
  id: string;
  kind: SubmissionKind;
  period: string;
  division_code: string;
  level: 'county' | 'city';
  to_division_code: string;
  status: 'submitted' | 'accepted' | 'returned';
  snapshot: unknown;
  submitted_by: string;
  submitted_at: Date;
  due_on: string;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  review_note: string | null;
};

function fromRow(r: Row, withSnapshot = true): Submission {
  return {
    id: r.id,
    kind: r.kind,
    period: r.period,
    divisionCode: r.division_code,
    level: r.level,
    toDivisionCode: r.to_division_code,
    status: r.status,
    dueOn: r.due_on,
    late: localDay(r.submitted_at.getTime()) > r.due_on,
    submittedBy: r.submitted_by,
    submittedAt: r.submitted_at.toISOString(),
    reviewedBy: r.reviewed_by,
    reviewedAt: r.reviewed_at?.toISOString() ?? null,
    reviewNote: r.review_note,
    snapshot: withSnapshot ? r.snapshot : undefined,
  };
}

/** The principal as anyone without the clearance: what a snapshot may hold. */
const withoutClearance = (p: Principal): Principal => ({ ...p, confidential: false });

async function snapshotOf(db: Db, p: Principal, r: SubmissionRequest, now: Date): Promise<unknown> {
  const view = withoutClearance(p);
  switch (r.kind) {
    case 'ledger':
      return buildRectificationTable(db, view, { raisedBefore: now });
    case 'registration':
      return buildRegistrationSummary(db, view, { asOf: localDay(now.getTime()) });
    case 'monthly': {
      const report = await getMonthlyReport(db, view, { month: r.period, divisionCode: p.divisionCode }, { publicOnly: true });
      if (!report) throw new SubmissionError('not_ready', `no monthly report of ${p.divisionCode} for ${r.period} has been generated yet`);
      return report;
    }
  }
}

export interface SubmitOptions {
  now?: Date;
  deadlines?: SubmissionDeadlines;
}

/**
 * Submits the principal's own division's `kind` for `period` to the division above. A city
 * submits only once no county submission of the same kind and period awaits its review.
 */
export async function submit(db: Db, p: Principal, request: z.input<typeof submissionRequest>, o: SubmitOptions = {}): Promise<Submission> {
  const r = submissionRequest.parse(request);
  const now = o.now ?? new Date();
  if (!permits(p, { access: 'write' })) throw new SubmissionError('forbidden', 'auditors and read-only keys do not submit');
  const level = levelOf(p.divisionCode);
  if (level === 'province') throw new SubmissionError('forbidden', 'the province reports to the ministry outside this system');
  const division = await db.selectFrom('divisions').select(['code', 'parent_code']).where('code', '=', p.divisionCode).executeTakeFirst();
  if (!division?.parent_code) throw new SubmissionError('not_found', `division ${p.divisionCode} has no division above it`);
  if (level === 'city') {
    const pending = await db
      .selectFrom('submissions')
      .select('division_code')
      .where('to_division_code', '=', p.divisionCode)
      .where('kind', '=', r.kind)
      .where('period', '=', r.period)
      .where('status', '=', 'submitted')
      .execute();
    if (pending.length > 0) {
      throw new SubmissionError(
        'conflict',
        `review the counties' submissions first: ${pending.map((x) => x.division_code).join(', ')} await review`,
      );
    }
  }
  const snapshot = await snapshotOf(db, p, r, now);
  const includes =
    level === 'city'
      ? await db
          .selectFrom('submissions')
          .select(['id', 'division_code', 'status'])
          .where('to_division_code', '=', p.divisionCode)
          .where('kind', '=', r.kind)
          .where('period', '=', r.period)
          .where('status', '=', 'accepted')
          .orderBy('division_code')
          .execute()
      : undefined;
  const row = await db
    .insertInto('submissions')
    .values({
      kind: r.kind,
      period: r.period,
      division_code: p.divisionCode,
      level,
      to_division_code: division.parent_code,
      snapshot: JSON.stringify(
        includes
          ? { ...(snapshot as object), acceptedFromCounties: includes.map((x) => ({ submissionId: x.id, divisionCode: x.division_code })) }
          : snapshot,
      ),
      submitted_by: p.actor,
      submitted_at: now,
      due_on: dueOn(r.kind, level, r.period, o.deadlines ?? DEFAULT_SUBMISSION_DEADLINES),
    })
    .onConflict((oc) => oc.columns(['kind', 'period', 'division_code']).where('status', '<>', 'returned').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row)
    throw new SubmissionError(
      'conflict',
      `${p.divisionCode} has submitted its ${r.kind} for ${r.period} already (a returned one may be submitted again)`,
    );
  return fromRow(row);
}

/** Accepts or returns a submission; only staff or admins of the receiving division, once. */
export async function reviewSubmission(
  db: Db,
  p: Principal,
  id: string,
  request: z.input<typeof reviewRequest>,
  o: { now?: Date } = {},
): Promise<Submission> {
  const r = reviewRequest.parse(request);
  return db.transaction().execute(async (trx) => {
    const row = /^[1-9][0-9]{0,18}$/.test(id)
      ? await trx.selectFrom('submissions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
      : undefined;
    if (!row || !covers(p, row.division_code)) throw new SubmissionError('not_found', `submission ${id} not found`);
    if (!permits(p, { access: 'write' }) || p.divisionCode !== row.to_division_code) {
      throw new SubmissionError('forbidden', `submission ${id} is reviewed by ${row.to_division_code}`);
    }
    if (row.status !== 'submitted') throw new SubmissionError('conflict', `submission ${id} was ${row.status} already`);
    const updated = await trx
      .updateTable('submissions')
      .set({
        status: r.decision === 'accept' ? 'accepted' : 'returned',
        reviewed_by: p.actor,
        reviewed_at: o.now ?? new Date(),
        review_note: r.note ?? null,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromRow(updated);
  });
}

/** One submission with its snapshot, if the principal covers the submitting division. */
export async function getSubmission(db: Db, p: Principal, id: string): Promise<Submission | undefined> {
  if (!/^[1-9][0-9]{0,18}$/.test(id)) return undefined;
  const row = await db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && covers(p, row.division_code) ? fromRow(row) : undefined;
}

export const submissionListQuery = z.object({
  kind: submissionKind.optional(),
  period: z.string().max(7).optional(),
  status: z.enum(['submitted', 'accepted', 'returned']).optional(),
  division: divisionCode.optional().describe('Submissions of this division or the divisions inside it'),
});

/** Submissions of divisions the principal covers, newest first, without their snapshots. */
export async function listSubmissions(db: Db, p: Principal, query: z.input<typeof submissionListQuery> = {}): Promise<Submission[]> {
  const q = submissionListQuery.parse(query);
  const prefix = scopePrefix(p, q.division);
  if (prefix === null) return [];
  let s = db.selectFrom('submissions').selectAll().where('division_code', 'like', `${prefix}%`);
  if (q.kind) s = s.where('kind', '=', q.kind);
  if (q.period) s = s.where('period', '=', q.period);
  if (q.status) s = s.where('status', '=', q.status);
  const rows = await s.orderBy('id', 'desc').limit(1000).execute();
  return rows.map((r) => fromRow(r, false));
}

export const submissionState = z.object({
  divisionCode: z.string(),
  name: z.string(),
  level: z.enum(['county', 'city']),
  dueOn: z.iso.date(),
  state: z
    .enum(['on_time', 'late', 'missing', 'not_yet_due'])
    .describe('missing: due day passed, nothing submitted (or only returned ones); not_yet_due: nothing yet, still time'),
  submissionId: z.string().nullable(),
  status: z.enum(['submitted', 'accepted', 'returned']).nullable(),
});
export type SubmissionState = z.infer<typeof submissionState>;

/**
 * Every county and city inside the principal's division that owes `kind` for `period`, with
 * whether it submitted on time, late, or not at all (as of `now`). Returned-only counts as not
 * submitted: the division owes a new one. Lateness is judged on the live submission's time.
 */
export async function submissionStates(
  db: Db,
  p: Principal,
  request: z.input<typeof submissionRequest>,
  o: SubmitOptions & { onlyLateOrMissing?: boolean } = {},
): Promise<SubmissionState[]> {
  const r = submissionRequest.parse(request);
  const prefix = scopePrefix(p);
  if (prefix === null) return [];
  const today = localDay((o.now ?? new Date()).getTime());
  const [divisions, live] = await Promise.all([
    db
      .selectFrom('divisions')
      .select(['code', 'name', 'level'])
      .where('code', 'like', `${prefix}%`)
      .where('level', 'in', ['county', 'city'])
      .orderBy('code')
      .execute(),
    db
      .selectFrom('submissions')
      .select(['id', 'division_code', 'status', 'submitted_at'])
      .where('division_code', 'like', `${prefix}%`)
      .where('kind', '=', r.kind)
      .where('period', '=', r.period)
      .where('status', '<>', 'returned')
      .execute(),
  ]);
  const byDivision = new Map(live.map((s) => [s.division_code, s]));
  const states = divisions.map((d): SubmissionState => {
    const level = d.level as 'county' | 'city';
    const due = dueOn(r.kind, level, r.period, o.deadlines ?? DEFAULT_SUBMISSION_DEADLINES);
    const s = byDivision.get(d.code);
    const state = s ? (localDay(s.submitted_at.getTime()) > due ? 'late' : 'on_time') : today > due ? 'missing' : 'not_yet_due';
    return { divisionCode: d.code, name: d.name, level, dueOn: due, state, submissionId: s?.id ?? null, status: s?.status ?? null };
  });
  return o.onlyLateOrMissing ? states.filter((s) => s.state === 'late' || s.state === 'missing') : states;
}
