/**
 * The ledger as a principal sees it (issue 18): filtered lists with cursor pagination, counts, and
 * one item in detail with the figures and permits behind it and the actions the caller may take.
 * Entries outside the caller's division, or of a confidential intake without the clearance, do
 * not exist here (scope.ts).
 *
 * Pagination is keyset on the entry id, newest first: ids are never reused nor changed, so an
 * entry that keeps matching the filter is on exactly one page however entries change between
 * requests (an offset would skip or repeat rows whenever an earlier row moved in or out).
 */
import { type SelectQueryBuilder, sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import { addDays, localDay } from '../../platform/local-time.ts';
import type { Principal } from '../access/index.ts';
import { divisionCode } from '../registry/index.ts';
import { allowedActionsFor, rectifiedBy } from './duties.ts';
import { localToday, OVERDUE_LIST } from './overdue.ts';
import { eventFromRow, itemFromRow } from './records.ts';
import {
  LEDGER_STATUSES,
  type LedgerAction,
  ledgerAction,
  ledgerEvent,
  ledgerId,
  ledgerItem,
  ledgerKind,
  type LedgerStatus,
  ledgerStatus,
} from './schemas.ts';
import { likeLiteral, scopePrefix, visibleItems } from './scope.ts';
import { DEFAULT_LEDGER_WORKFLOW, type LedgerWorkflowOptions } from './workflow-options.ts';

const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const instant = z.iso.datetime({ offset: true });

// ----------------------------------------------------------------------------------- the query

export const ledgerQuery = z
  .object({
    division: divisionCode.optional().describe("Only this division (county, city or province code), within the caller's own"),
    rule: z.string().min(1).max(100).optional().describe('Rule id, e.g. meter-silent'),
    status: z
      .union([ledgerStatus, z.string().transform((v, ctx) => commaList(v, ctx))])
      .optional()
      .describe('One status, or several separated by commas (raised,confirmed)'),
    kind: ledgerKind.optional(),
    overdue: flag.optional().describe('true: past the deadline (Asia/Shanghai) while confirmed or rectifying'),
    escalated: flag.optional().describe('true: escalated to the city or province (overdue items the daily job moved up)'),
    escalatedLevel: z.enum(['city', 'province']).optional().describe("Escalated to this level: the level's queue"),
    intakeId: ledgerId.optional(),
    raisedFrom: instant.optional().describe('First detected at or after this instant'),
    raisedTo: instant.optional().describe('First detected before this instant'),
    q: z.string().trim().min(1).max(100).optional().describe('Text in the summary, subject, rule, plan, or the intake code or name'),
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, 'not a cursor from this list')
      .optional()
      .describe('nextCursor of the previous page'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .describe('Filters and paging of the ledger list')
  .meta({ examples: [{ division: '220102', status: 'confirmed,rectifying', overdue: true, limit: 50 }] });
export type LedgerQuery = z.input<typeof ledgerQuery>;

function commaList(v: string, ctx: z.RefinementCtx): z.infer<typeof ledgerStatus>[] {
  const parts = v.split(',').map((s) => s.trim());
  const parsed = z.array(ledgerStatus).min(1).safeParse(parts);
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: `expected statuses among ${ledgerStatus.options.join(', ')}` });
    return z.NEVER;
  }
  return parsed.data;
}

/** An entry in a list: the item and, for reading the list, its intake's code and name. */
export const ledgerListItem = ledgerItem.extend({
  intake: z
    .object({ code: z.string(), name: z.string() })
    .nullable()
    .describe("The intake's code and name; null for an unregistered meter"),
});
export type LedgerListItem = z.infer<typeof ledgerListItem>;

export const ledgerListPage = z.object({
  items: z.array(ledgerListItem),
  nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page'),
  limit: z.number().int(),
});
export type LedgerListPage = z.infer<typeof ledgerListPage>;

const encodeCursor = (id: string) => Buffer.from(`i${id}`).toString('base64url');
function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString();
  const id = text.slice(1);
  if (!text.startsWith('i') || !ledgerId.safeParse(id).success)
    throw new z.ZodError([{ code: 'custom', path: ['cursor'], message: 'not a cursor from this list', input: cursor }]);
  return id;
}

type ItemsQuery = SelectQueryBuilder<Database, 'ledger_items', object>;

/** Past the deadline (Asia/Shanghai) while someone owes the rectification: docs/ledger.md. */
const overdueOn = (today: string) => sql<boolean>`(deadline < ${today}::date and status in (${OVERDUE_LIST}) and kind = 'item')`;

/** The filtered, scoped entries; null when the requested division is outside the caller's. */
function filtered(db: Db, p: Principal, f: Omit<z.output<typeof ledgerQuery>, 'cursor' | 'limit'>, now: Date): ItemsQuery | null {
  const prefix = scopePrefix(p, f.division);
  if (prefix === null) return null;
  const today = localToday(now);
  let q: ItemsQuery = db.selectFrom('ledger_items').where((eb) => visibleItems(eb, p, prefix));
  if (f.rule !== undefined) q = q.where('rule', '=', f.rule);
  if (f.status !== undefined) q = q.where('status', 'in', Array.isArray(f.status) ? f.status : [f.status]);
  if (f.kind !== undefined) q = q.where('kind', '=', f.kind);
  if (f.intakeId !== undefined) q = q.where('intake_id', '=', f.intakeId);
  if (f.raisedFrom !== undefined) q = q.where('first_detected_at', '>=', new Date(f.raisedFrom));
  if (f.raisedTo !== undefined) q = q.where('first_detected_at', '<', new Date(f.raisedTo));
  if (f.overdue !== undefined) {
    const overdue = overdueOn(today);
    q = q.where(f.overdue ? sql<boolean>`${overdue} is true` : sql<boolean>`${overdue} is not true`);
  }
  if (f.escalated !== undefined) q = q.where('escalated_level', f.escalated ? 'is not' : 'is', null);
  if (f.escalatedLevel !== undefined) q = q.where('escalated_level', '=', f.escalatedLevel);
  if (f.q !== undefined) {
    const like = `%${likeLiteral(f.q)}%`;
    q = q.where((eb) =>
      eb.or([
        eb('summary', 'ilike', like),
        eb('subject', 'ilike', like),
        eb('rule', 'ilike', like),
        eb('measures', 'ilike', like),
        eb('responsible_unit', 'ilike', like),
        eb('responsible_person', 'ilike', like),
        eb.exists(
          eb
            .selectFrom('intakes')
            .select(sql`1`.as('one'))
            .whereRef('intakes.id', '=', 'ledger_items.intake_id')
            .where((i) => i.or([i('intakes.code', 'ilike', like), i('intakes.name', 'ilike', like)])),
        ),
      ]),
    );
  }
  return q;
}

/**
 * One page of the entries the principal may see that match `query`, newest first (by id). Throws
 * a ZodError for a bad query or cursor. `now` fixes "today" (Asia/Shanghai) for `overdue`.
 */
export async function listLedger(db: Db, p: Principal, query: LedgerQuery, now: Date = new Date()): Promise<LedgerListPage> {
  const f = ledgerQuery.parse(query);
  const base = filtered(db, p, f, now);
  if (base === null) return { items: [], nextCursor: null, limit: f.limit };
  const after = f.cursor === undefined ? base : base.where('id', '<', decodeCursor(f.cursor));
  // One more than asked: whether a next page exists, without counting. The page is chosen on
  // ledger_items alone (the filters' plan), then joined to its intakes for their code and name.
  const rows = await db
    .selectFrom(
      after
        .selectAll()
        .orderBy('id', 'desc')
        .limit(f.limit + 1)
        .as('page'),
    )
    .leftJoin('intakes', 'intakes.id', 'page.intake_id')
    .selectAll('page')
    .select(['intakes.code as intake_code', 'intakes.name as intake_name'])
    .orderBy('page.id', 'desc')
    .execute();
  const page = rows.slice(0, f.limit);
  const today = localToday(now);
  const last = page.at(-1);
  return {
    items: page.map(({ intake_code, intake_name, ...r }) => ({
      ...itemFromRow(r, today),
      intake: intake_code !== null && intake_name !== null ? { code: intake_code, name: intake_name } : null,
    })),
    nextCursor: rows.length > f.limit && last ? encodeCursor(last.id) : null,
    limit: f.limit,
  };
}

/** How many entries the principal may see match `query` (cursor and limit ignored). */
export async function countLedger(db: Db, p: Principal, query: LedgerQuery, now: Date = new Date()): Promise<number> {
  const f = ledgerQuery.parse(query);
  const base = filtered(db, p, f, now);
  if (base === null) return 0;
  const row = await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export const ledgerCountsQuery = ledgerQuery
  .omit({ status: true, cursor: true, limit: true })
  .describe("The ledger list's filters but status (every status is counted) and paging")
  .meta({ examples: [{ division: '220102', rule: 'meter-silent' }] });
export type LedgerCountsQuery = z.input<typeof ledgerCountsQuery>;

const count = z.number().int().min(0);
export const ledgerCounts = z
  .object({
    byStatus: z
      .object({
        raised: count,
        confirmed: count,
        dismissed: count,
        rectifying: count,
        rectified: count,
        closed: count,
        resolved: count,
      } satisfies Record<LedgerStatus, typeof count>)
      .describe('Matching entries in each status (every status present, 0 when none)'),
    overdue: count.describe('Past the deadline while confirmed or rectifying (as the overdue filter)'),
    escalated: count.describe('Escalated to the city or province (as the escalated filter)'),
    total: count.describe('Every matching entry: the sum of byStatus'),
  })
  .describe('How many entries match, by status, with the overdue and escalated among them');
export type LedgerCounts = z.infer<typeof ledgerCounts>;

/**
 * How many entries the principal may see match `query`, per status, with the overdue and the
 * escalated among them: one statement over the list's own filter. `now` fixes "today" for overdue.
 */
export async function countLedgerByStatus(db: Db, p: Principal, query: LedgerCountsQuery, now: Date = new Date()): Promise<LedgerCounts> {
  const f = ledgerCountsQuery.parse(query);
  const byStatus = Object.fromEntries(LEDGER_STATUSES.map((s) => [s, 0])) as Record<LedgerStatus, number>;
  const counts: LedgerCounts = { byStatus, overdue: 0, escalated: 0, total: 0 };
  const base = filtered(db, p, f, now);
  if (base === null) return counts;
  const rows = await base
    .select((eb) => [
      'status',
      eb.fn.countAll<string>().as('n'),
      sql<string>`count(*) filter (where ${overdueOn(localToday(now))})`.as('overdue'),
      sql<string>`count(*) filter (where escalated_level is not null)`.as('escalated'),
    ])
    .groupBy('status')
    .execute();
  for (const r of rows) {
    byStatus[r.status] = Number(r.n);
    counts.overdue += Number(r.overdue);
    counts.escalated += Number(r.escalated);
    counts.total += Number(r.n);
  }
  return counts;
}

// ------------------------------------------------------------------------------------ the detail

export const ledgerAttachmentInfo = z.object({
  id: ledgerId,
  eventId: ledgerId,
  filename: z.string(),
  mediaType: z.enum(['image/jpeg', 'image/png', 'application/pdf']),
  sizeBytes: z.number().int(),
  sha256: z.string().describe('Hex SHA-256 of the content'),
  uploadedBy: z.string(),
  uploadedAt: instant,
});
export type LedgerAttachmentInfo = z.infer<typeof ledgerAttachmentInfo>;

const MAX_FIGURE_DAYS = 400;

export const ledgerItemDetail = z.object({
  item: ledgerItem,
  events: z.array(ledgerEvent.extend({ attachments: z.array(ledgerAttachmentInfo) })).describe('Every event, in the order they happened'),
  intake: z
    .object({
      id: ledgerId,
      code: z.string(),
      name: z.string(),
      countyCode: z.string(),
      sourceType: z.string(),
      waterUse: z.string(),
      status: z.string(),
      confidential: z.boolean(),
    })
    .nullable()
    .describe('The intake; null for an unregistered meter'),
  permits: z
    .array(
      z.object({
        id: ledgerId,
        permitNumber: z.string(),
        validFrom: z.iso.date(),
        validTo: z.iso.date(),
        annualVolumeM3: z.number(),
        dailyLimitM3: z.number().nullable(),
        maxRateM3h: z.number().nullable(),
        status: z.string(),
      }),
    )
    .describe("The intake's permits in force at some time of the item's window"),
  figures: z
    .array(z.object({ day: z.iso.date(), volumeM3: z.number().nullable(), status: z.string(), completeness: z.number() }))
    .describe("The intake's daily accounts over the item's window (daily_accounts rows; at most 400 days)"),
  actions: z.array(ledgerAction).describe('What the caller may do now, given the status, its role and the rules of duty'),
});
export type LedgerItemDetail = z.infer<typeof ledgerItemDetail>;

export interface DetailOptions {
  now?: Date;
  workflow?: LedgerWorkflowOptions;
}

/** The item with its history, evidence, figures, permits and the caller's actions; undefined when the caller may not see it. */
export async function getItemDetail(db: Db, p: Principal, id: string, o: DetailOptions = {}): Promise<LedgerItemDetail | undefined> {
  if (!ledgerId.safeParse(id).success) return undefined;
  const now = o.now ?? new Date();
  const prefix = scopePrefix(p);
  if (prefix === null) return undefined;
  const row = await db
    .selectFrom('ledger_items')
    .selectAll()
    .where('id', '=', id)
    .where((eb) => visibleItems(eb, p, prefix))
    .executeTakeFirst();
  if (!row) return undefined;
  const firstDay = localDay(row.window_start.getTime());
  const lastDay = localDay(row.window_end.getTime());
  const figureFrom = [firstDay, addDays(lastDay, -(MAX_FIGURE_DAYS - 1))].sort().at(-1) ?? firstDay;
  const [events, files, intake, permits, figures, rectifier] = await Promise.all([
    db.selectFrom('ledger_events').selectAll().where('item_id', '=', id).orderBy('id').execute(),
    db
      .selectFrom('ledger_attachments')
      .select(['id', 'event_id', 'filename', 'media_type', 'size_bytes', 'sha256', 'uploaded_by', 'uploaded_at'])
      .where('item_id', '=', id)
      .orderBy('id')
      .execute(),
    row.intake_id === null ? undefined : db.selectFrom('intakes').selectAll().where('id', '=', row.intake_id).executeTakeFirst(),
    row.intake_id === null
      ? []
      : db
          .selectFrom('permits')
          .selectAll()
          .where('intake_id', '=', row.intake_id)
          .where('valid_from', '<=', lastDay)
          .where('valid_to', '>=', firstDay)
          .orderBy('valid_from')
          .execute(),
    row.intake_id === null
      ? []
      : db
          .selectFrom('daily_accounts')
          .select(['day', 'volume_m3', 'status', 'completeness'])
          .where('intake_id', '=', row.intake_id)
          .where('day', '>=', figureFrom)
          .where('day', '<=', lastDay)
          .orderBy('day')
          .execute(),
    rectifiedBy(db, id),
  ]);
  const byEvent = new Map<string, LedgerAttachmentInfo[]>();
  for (const f of files) {
    const list = byEvent.get(f.event_id) ?? [];
    list.push({
      id: f.id,
      eventId: f.event_id,
      filename: f.filename,
      mediaType: f.media_type,
      sizeBytes: f.size_bytes,
      sha256: f.sha256.toString('hex'),
      uploadedBy: f.uploaded_by,
      uploadedAt: f.uploaded_at.toISOString(),
    });
    byEvent.set(f.event_id, list);
  }
  const item = itemFromRow(row, localToday(now));
  return {
    item,
    events: events.map((e) => ({ ...eventFromRow(e), attachments: byEvent.get(e.id) ?? [] })),
    intake: intake
      ? {
          id: intake.id,
          code: intake.code,
          name: intake.name,
          countyCode: intake.county_code,
          sourceType: intake.source_type,
          waterUse: intake.water_use,
          status: intake.status,
          confidential: intake.confidential,
        }
      : null,
    permits: permits.map((pm) => ({
      id: pm.id,
      permitNumber: pm.permit_number,
      validFrom: pm.valid_from,
      validTo: pm.valid_to,
      annualVolumeM3: Number(pm.annual_volume_m3),
      dailyLimitM3: pm.daily_limit_m3 === null ? null : Number(pm.daily_limit_m3),
      maxRateM3h: pm.max_rate_m3h === null ? null : Number(pm.max_rate_m3h),
      status: pm.status,
    })),
    figures: figures.map((f) => ({
      day: f.day,
      volumeM3: f.volume_m3 === null ? null : Number(f.volume_m3),
      status: f.status,
      completeness: Number(f.completeness),
    })),
    actions: allowedActionsFor(
      p,
      { kind: row.kind, status: row.status, countyCode: row.county_code, rectifiedBy: rectifier },
      o.workflow ?? DEFAULT_LEDGER_WORKFLOW,
    ) satisfies LedgerAction[],
  };
}
