/**
 * The monthly progress report as the plan asks for it: the generated figures and, next to them,
 * what the division writes itself (work done, results, difficulties, suggestions). The narrative
 * is kept apart (monthly_report_narratives) so that regenerating the figures never loses it.
 * Readers without the clearance get the figures without confidential intakes.
 */
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { MONTH_PATTERN } from '../../platform/local-time.ts';
import { AccessError, covers, type Principal, permits } from '../access/index.ts';
import { divisionCode } from '../registry/index.ts';
import { monthlyReportFigures } from './monthly-report.ts';

const narrativeText = (zh: string) => z.string().trim().max(10_000).default('').describe(zh);

export const monthlyNarrative = z
  .strictObject({
    workDone: narrativeText('工作开展情况: work done this month'),
    results: narrativeText('取得成效: results'),
    difficulties: narrativeText('存在困难和问题: difficulties'),
    suggestions: narrativeText('意见建议: suggestions'),
  })
  .describe("The report's narrative, written by the division")
  .meta({
    examples: [
      { workDone: '完成12处取水口现场核查', results: '整改销号8项', difficulties: '部分机井无电源', suggestions: '建议统一计量设施采购' },
    ],
  });
export type MonthlyNarrative = z.output<typeof monthlyNarrative>;

export const monthlyReportKey = z.object({
  month: z.string().regex(MONTH_PATTERN, 'expected YYYY-MM').describe('YYYY-MM'),
  divisionCode,
});
export type MonthlyReportKey = z.infer<typeof monthlyReportKey>;

export const monthlyReport = z.object({
  figures: monthlyReportFigures,
  narrative: monthlyNarrative.extend({ updatedBy: z.string().nullable(), updatedAt: z.string().nullable() }),
  confidentialIncluded: z.boolean().describe('Whether the figures include confidential intakes (only for callers with the clearance)'),
});
export type MonthlyReport = z.infer<typeof monthlyReport>;

/** Writes the division's narrative for the month; only staff or admins of that very division. */
export async function saveMonthlyNarrative(
  db: Db,
  p: Principal,
  key: MonthlyReportKey,
  narrative: z.input<typeof monthlyNarrative>,
): Promise<MonthlyNarrative> {
  const k = monthlyReportKey.parse(key);
  const n = monthlyNarrative.parse(narrative);
  if (!covers(p, k.divisionCode)) throw new AccessError('not_found', `no report of ${k.divisionCode} for you`);
  if (!permits(p, { access: 'write' }) || p.divisionCode !== k.divisionCode) {
    throw new AccessError('forbidden', `only staff of ${k.divisionCode} write its report's narrative`);
  }
  const row = {
    work_done: n.workDone,
    results: n.results,
    difficulties: n.difficulties,
    suggestions: n.suggestions,
    updated_by: p.actor,
    updated_at: new Date(),
  };
  await db
    .insertInto('monthly_report_narratives')
    .values({ month: k.month, division_code: k.divisionCode, ...row })
    .onConflict((oc) => oc.columns(['month', 'division_code']).doUpdateSet(row))
    .execute();
  return n;
}

/**
 * The division's report for the month with its narrative; undefined when the division is outside
 * the caller's or no report was generated. `publicOnly` forces the figures without confidential
 * intakes (as submissions use them) whatever the caller's clearance.
 */
export async function getMonthlyReport(
  db: Db,
  p: Principal,
  key: MonthlyReportKey,
  o: { publicOnly?: boolean } = {},
): Promise<MonthlyReport | undefined> {
  const k = monthlyReportKey.parse(key);
  if (!covers(p, k.divisionCode)) return undefined;
  const [report, narrative] = await Promise.all([
    db
      .selectFrom('monthly_reports')
      .select(['figures', 'public_figures'])
      .where('month', '=', k.month)
      .where('division_code', '=', k.divisionCode)
      .executeTakeFirst(),
    db
      .selectFrom('monthly_report_narratives')
      .selectAll()
      .where('month', '=', k.month)
      .where('division_code', '=', k.divisionCode)
      .executeTakeFirst(),
  ]);
  if (!report) return undefined;
  const withConfidential = p.confidential && !o.publicOnly;
  const raw = withConfidential ? report.figures : report.public_figures;
  // A report generated before public figures existed is not shown to those without the clearance.
  if (raw === null || raw === undefined) return undefined;
  return {
    figures: monthlyReportFigures.parse(raw),
    narrative: {
      workDone: narrative?.work_done ?? '',
      results: narrative?.results ?? '',
      difficulties: narrative?.difficulties ?? '',
      suggestions: narrative?.suggestions ?? '',
      updatedBy: narrative?.updated_by ?? null,
      updatedAt: narrative?.updated_at.toISOString() ?? null,
    },
    confidentialIncluded: withConfidential,
  };
}
