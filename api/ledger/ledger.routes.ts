/**
 * The rectification ledger read over HTTP (issue 18; docs/ledger.md): the list with filters and
 * cursor paging, the counts by status, one item in detail, the meter readings behind it,
 * attachments, and the daily escalation summary. The domain's scoped functions decide what exists
 * for the caller: anything outside its division, or confidential without the clearance, answers
 * 404 exactly as a nonexistent id does.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  countLedger,
  countLedgerByStatus,
  escalationDay,
  escalationSummary,
  escalationSummaryQuery,
  getAttachment,
  getItemDetail,
  getItemReadings,
  ledgerCounts,
  ledgerCountsQuery,
  ledgerId,
  ledgerItemDetail,
  ledgerItemReadings,
  ledgerListPage,
  ledgerQuery,
  type LedgerWorkflowOptions,
  listLedger,
} from '../../domain/ledger/index.ts';
import { MAX_SERIES_POINTS } from '../../domain/accounts/index.ts';
import type { Db } from '../../platform/db/database.ts';
import type { InfluxReader } from '../../platform/influx/readings-reader.ts';
import { principalOf } from '../http/auth.ts';
import { attachmentDisposition } from '../http/downloads.ts';
import { notFound, ProblemError, problemSchema } from '../http/problem.ts';
import { transitionRoutes } from './transitions.routes.ts';

export interface LedgerRouteOptions {
  db: Db;
  workflow: LedgerWorkflowOptions;
  /** InfluxDB, for the readings behind an entry; without it that route answers 503. */
  readings: InfluxReader | undefined;
}

const READ = { access: { access: 'read' as const } };
const errors = { 400: problemSchema, 401: problemSchema, 404: problemSchema };

/** The item's version for If-Match: its updatedAt, which every transition moves. */
export const etagOf = (updatedAt: string): string => `"${updatedAt}"`;

/** The validated query back in the form the domain parses (it checks its input itself). */
function wire(q: z.output<typeof ledgerQuery>): z.input<typeof ledgerQuery> {
  return { ...q, status: Array.isArray(q.status) ? q.status.join(',') : q.status };
}

export async function ledgerRoutes(app: FastifyInstance, { db, workflow, readings }: LedgerRouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/ledger/items', {
    config: READ,
    schema: {
      tags: ['ledger'],
      summary: 'Items and notices you may see, newest first, with filters and cursor paging',
      description:
        'Keyset paging on the id: pass nextCursor as cursor for the next page. An entry that matches throughout is on exactly one page, however entries change meanwhile.',
      querystring: ledgerQuery,
      response: { 200: ledgerListPage, ...errors },
    },
    handler: (req) => listLedger(db, principalOf(req), wire(req.query)),
  });

  r.get('/ledger/count', {
    config: READ,
    schema: {
      tags: ['ledger'],
      summary: 'How many entries match the same filters as the list (cursor and limit ignored)',
      querystring: ledgerQuery,
      response: { 200: z.object({ total: z.number().int() }), ...errors },
    },
    handler: async (req) => ({ total: await countLedger(db, principalOf(req), wire(req.query)) }),
  });

  r.get('/ledger/counts', {
    config: READ,
    schema: {
      tags: ['ledger'],
      summary: 'How many entries match the list filters, per status, with the overdue and escalated among them',
      description: 'The filters of /v1/ledger/items but status (every status is counted at once), cursor and limit.',
      querystring: ledgerCountsQuery,
      response: { 200: ledgerCounts, ...errors },
    },
    handler: (req) => countLedgerByStatus(db, principalOf(req), req.query),
  });

  r.get('/ledger/items/:id', {
    config: READ,
    schema: {
      tags: ['ledger'],
      summary:
        'One entry: its events with their attachments, the intake, permits and daily figures behind it, and the actions you may take now',
      description: 'The ETag header is the version to send back as If-Match with a transition.',
      params: z.object({ id: ledgerId }),
      response: { 200: ledgerItemDetail, ...errors },
    },
    handler: async (req, reply) => {
      const detail = await getItemDetail(db, principalOf(req), req.params.id, { workflow });
      if (!detail) throw notFound('ledger entry', req.params.id);
      void reply.header('etag', etagOf(detail.item.updatedAt));
      return detail;
    },
  });

  r.get('/ledger/items/:id/readings', {
    config: READ,
    schema: {
      tags: ['ledger'],
      summary: "The meter readings of the entry's intake around its window, per meter, for a chart",
      description:
        'From a day before the window to a day after it (at most the last 31 days of that), read from InfluxDB. ' +
        `Past ${MAX_SERIES_POINTS} readings of a meter, every meter's readings come in equal time buckets (downsampled: true). ` +
        'An entry without an intake has no series. 503 when the API has no readings store or InfluxDB does not answer.',
      params: z.object({ id: ledgerId }),
      response: { 200: ledgerItemReadings, ...errors, 503: problemSchema },
    },
    handler: async (req) => {
      if (!readings) throw new ProblemError('unavailable', 'the API has no readings store (InfluxDB) configured');
      const found = await getItemReadings(db, readings, principalOf(req), req.params.id);
      if (!found) throw notFound('ledger entry', req.params.id);
      return found;
    },
  });

  r.get('/ledger/attachments/:id', {
    config: READ,
    schema: {
      tags: ['ledger'],
      summary: 'Download a file kept with a ledger event (JPEG, PNG or PDF)',
      params: z.object({ id: ledgerId }),
      response: {
        200: {
          description: 'The file as uploaded, with its type judged from its content',
          content: { 'application/octet-stream': { schema: z.string().describe('The file (binary)') } },
        },
        ...errors,
      },
    },
    handler: async (req, reply) => {
      const file = await getAttachment(db, principalOf(req), req.params.id);
      if (!file) throw notFound('attachment', req.params.id);
      // The bytes as stored: the typed reply knows only the documented (string) schema.
      const raw: FastifyReply = reply;
      return raw
        .type(file.mediaType)
        .header('content-disposition', attachmentDisposition(file.filename))
        .header('content-length', file.sizeBytes)
        .send(file.content);
    },
  });

  r.get('/ledger/escalations', {
    config: READ,
    schema: {
      tags: ['ledger'],
      summary: 'What became overdue or was escalated each day (the daily escalation), among the items you may see',
      querystring: escalationSummaryQuery,
      response: {
        200: z.object({
          from: z.iso.date(),
          to: z.iso.date(),
          days: z.array(escalationDay).describe('Days with changes, in order'),
          totals: z.object({ overdue: z.number().int(), escalatedToCity: z.number().int(), escalatedToProvince: z.number().int() }),
        }),
        ...errors,
      },
    },
    handler: async (req) => {
      const days = await escalationSummary(db, principalOf(req), req.query);
      const sum = (k: 'overdue' | 'escalatedToCity' | 'escalatedToProvince') => days.reduce((n, d) => n + d[k].length, 0);
      return {
        from: req.query.from,
        to: req.query.to,
        days,
        totals: { overdue: sum('overdue'), escalatedToCity: sum('escalatedToCity'), escalatedToProvince: sum('escalatedToProvince') },
      };
    },
  });

  await app.register(transitionRoutes, { db, workflow });
}
