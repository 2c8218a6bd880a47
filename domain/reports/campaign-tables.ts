/**
 * The campaign's two tables (the 2020 Jilin plan): Annex 2, the registration summary by county
 * (intakes by water source, water use, kind, permit status and metering status), and Annex 3,
 * the rectification table (problem, measures, responsible unit and person, deadline, status,
 * closed on). Both are built for a principal: what it may not see is not in the rows nor in the
 * totals (a caller without the clearance gets totals without confidential intakes).
 */
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { localDay } from '../../platform/local-time.ts';
import type { Principal } from '../access/index.ts';
import { type LedgerStatus, ledgerStatus, scopePrefix } from '../ledger/index.ts';
import { intakeKind, sourceType, waterUse } from '../registry/index.ts';
import { RULES, type RuleId } from '../rules/index.ts';
import { intakeStandings, METERING_STATUSES, PERMIT_STATUSES } from './intake-status.ts';

const counts = (keys: readonly string[]) => z.object(Object.fromEntries(keys.map((k) => [k, z.number().int()])));

const summaryCounts = z.object({
  intakes: z.number().int(),
  bySource: counts(sourceType.values),
  byWaterUse: counts(waterUse.values),
  byKind: counts(intakeKind.values),
  byPermit: counts(PERMIT_STATUSES),
  byMetering: counts(METERING_STATUSES),
});
export type SummaryCounts = z.infer<typeof summaryCounts>;

export const registrationSummary = z
  .object({
    asOf: z.iso.date().describe('The local date permits were judged on'),
    divisionCode: z.string(),
    rows: z.array(
      summaryCounts.extend({
        countyCode: z.string(),
        countyName: z.string(),
        cityCode: z.string().nullable(),
        cityName: z.string().nullable(),
      }),
    ),
    totals: summaryCounts,
  })
  .describe('Annex 2: registration summary by county (取水口登记汇总表)');
export type RegistrationSummary = z.infer<typeof registrationSummary>;

const zeros = (keys: readonly string[]): Record<string, number> => Object.fromEntries(keys.map((k) => [k, 0]));
function emptyCounts(): SummaryCounts {
  return {
    intakes: 0,
    bySource: zeros(sourceType.values),
    byWaterUse: zeros(waterUse.values),
    byKind: zeros(intakeKind.values),
    byPermit: zeros(PERMIT_STATUSES),
    byMetering: zeros(METERING_STATUSES),
  };
}
const bump = (r: Record<string, number>, k: string) => {
  r[k] = (r[k] ?? 0) + 1;
};

async function divisionNames(db: Db): Promise<Map<string, { name: string; parent: string | null }>> {
  const rows = await db.selectFrom('divisions').select(['code', 'name', 'parent_code']).execute();
  return new Map(rows.map((r) => [r.code, { name: r.name, parent: r.parent_code }]));
}

/** Annex 2 for the principal's division (or `division` inside it), judged on `asOf` (default today). */
export async function buildRegistrationSummary(
  db: Db,
  p: Principal,
  o: { division?: string; asOf?: string } = {},
): Promise<RegistrationSummary> {
  const asOf = o.asOf ?? localDay(Date.now());
  const [standings, names] = await Promise.all([
    intakeStandings(db, p, { asOf, ...(o.division ? { division: o.division } : {}) }),
    divisionNames(db),
  ]);
  const byCounty = new Map<string, SummaryCounts>();
  const totals = emptyCounts();
  for (const s of standings) {
    let c = byCounty.get(s.countyCode);
    if (!c) byCounty.set(s.countyCode, (c = emptyCounts()));
    for (const into of [c, totals]) {
      into.intakes++;
      bump(into.bySource, s.sourceType);
      bump(into.byWaterUse, s.waterUse);
      bump(into.byKind, s.intakeKind);
      bump(into.byPermit, s.permitStatus);
      bump(into.byMetering, s.meteringStatus);
    }
  }
  const rows = [...byCounty]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, c]) => {
      const county = names.get(code);
      const cityCode = county?.parent ?? null;
      return {
        countyCode: code,
        countyName: county?.name ?? code,
        cityCode,
        cityName: cityCode === null ? null : (names.get(cityCode)?.name ?? cityCode),
        ...c,
      };
    });
  return { asOf, divisionCode: o.division ?? p.divisionCode, rows, totals };
}

// --------------------------------------------------------------------------------------- Annex 3

export const LEDGER_STATUS_ZH: Record<LedgerStatus, string> = {
  raised: '待核实',
  confirmed: '已确认',
  dismissed: '已排除',
  rectifying: '整改中',
  rectified: '已整改待核查',
  closed: '已销号',
  resolved: '已消除',
};

export const rectificationRow = z.object({
  seq: z.number().int(),
  itemId: z.string(),
  countyCode: z.string(),
  countyName: z.string(),
  intakeCode: z.string().nullable(),
  intakeName: z.string().nullable(),
  rule: z.string(),
  problem: z.string().describe("The rule's title and the item's summary (存在问题)"),
  measures: z.string().nullable(),
  responsibleUnit: z.string().nullable(),
  responsiblePerson: z.string().nullable(),
  deadline: z.iso.date().nullable(),
  status: ledgerStatus,
  closedOn: z.iso.date().nullable().describe('Local date of the closing (销号) event, while closed'),
});
export type RectificationRow = z.infer<typeof rectificationRow>;

export const rectificationTable = z
  .object({
    divisionCode: z.string(),
    rows: z.array(rectificationRow),
    totals: z.object({ items: z.number().int(), byStatus: z.record(z.string(), z.number().int()) }),
  })
  .describe('Annex 3: rectification table (整改台账), the items (not notices) not dismissed');
export type RectificationTable = z.infer<typeof rectificationTable>;

/** Annex 3 for the principal's division (or `division` inside it): every item not dismissed, by county then id. */
export async function buildRectificationTable(
  db: Db,
  p: Principal,
  o: { division?: string; raisedBefore?: Date } = {},
): Promise<RectificationTable> {
  const prefix = scopePrefix(p, o.division);
  const divisionCode = o.division ?? p.divisionCode;
  if (prefix === null) return { divisionCode, rows: [], totals: { items: 0, byStatus: {} } };
  let q = db
    .selectFrom('ledger_items as l')
    .leftJoin('intakes as i', 'i.id', 'l.intake_id')
    .innerJoin('divisions as d', 'd.code', 'l.county_code')
    .select([
      'l.id',
      'l.county_code',
      'd.name as county_name',
      'i.code as intake_code',
      'i.name as intake_name',
      'l.rule',
      'l.summary',
      'l.measures',
      'l.responsible_unit',
      'l.responsible_person',
      'l.deadline',
      'l.status',
      (eb) =>
        eb
          .selectFrom('ledger_events as e')
          .select('e.at')
          .whereRef('e.item_id', '=', 'l.id')
          .where('e.action', '=', 'closed')
          .orderBy('e.id', 'desc')
          .limit(1)
          .as('closed_at'),
    ])
    .where('l.kind', '=', 'item')
    .where('l.status', '<>', 'dismissed')
    .where('l.county_code', 'like', `${prefix}%`);
  if (!p.confidential) q = q.where((eb) => eb.or([eb('i.confidential', 'is', null), eb('i.confidential', '=', false)]));
  if (o.raisedBefore) q = q.where('l.first_detected_at', '<', o.raisedBefore);
  const rows = await q.orderBy('l.county_code').orderBy('l.id').execute();
  const byStatus: Record<string, number> = {};
  const out = rows.map((r, k): RectificationRow => {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const title = (RULES as Partial<Record<string, { titleZh: string }>>)[r.rule as RuleId]?.titleZh;
    return {
      seq: k + 1,
      itemId: r.id,
      countyCode: r.county_code,
      countyName: r.county_name,
      intakeCode: r.intake_code,
      intakeName: r.intake_name,
      rule: r.rule,
      problem: title ? `${title}：${r.summary}` : r.summary,
      measures: r.measures,
      responsibleUnit: r.responsible_unit,
      responsiblePerson: r.responsible_person,
      deadline: r.deadline,
      status: r.status,
      closedOn: r.status === 'closed' && r.closed_at ? localDay(new Date(r.closed_at).getTime()) : null,
    };
  });
  return { divisionCode, rows: out, totals: { items: out.length, byStatus } };
}
