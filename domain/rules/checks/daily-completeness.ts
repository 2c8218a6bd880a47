/**
 * Daily data completeness (notice): an ended day whose completeness (received / expected reports,
 * capped per meter, from the accounts) is below dailyCompletenessMin (95 %). Days still running are
 * not judged: their reports are not all due yet.
 */
import { localDayEnd, localDayStart } from '../../../platform/local-time.ts';
import { bilingual, pct } from '../format.ts';
import { endedAccounts, type IntakeRule, silent } from '../rule.ts';

export const dailyCompleteness: IntakeRule = {
  id: 'daily-completeness',
  evaluate(ctx) {
    const { code } = ctx.input.intake;
    const min = ctx.options.dailyCompletenessMin;
    const days = endedAccounts(ctx).filter((a) => a.expectedReports > 0);
    if (days.length === 0) return null;
    const low = days.filter((a) => a.completeness < min);
    const first = low[0];
    const last = low.at(-1);
    if (!first || !last) return silent(code);
    const worst = low.reduce((w, a) => (a.completeness < w.completeness ? a : w), first);
    return {
      checked: [code],
      findings: [
        {
          subject: code,
          windowStartMs: localDayStart(first.day),
          windowEndMs: localDayEnd(last.day),
          summary: bilingual(
            `取水口 ${code} 有 ${low.length} 天数据完整率低于 ${pct(min)}，最低 ${worst.day} ${pct(worst.completeness)}（${worst.receivedReports}/${worst.expectedReports} 条）`,
            `Intake ${code}: data completeness below ${pct(min)} on ${low.length} day(s), lowest ${pct(worst.completeness)} on ${worst.day} (${worst.receivedReports} of ${worst.expectedReports} reports)`,
          ),
          evidence: {
            minCompleteness: min,
            days: low.map((a) => ({
              day: a.day,
              completeness: a.completeness,
              expectedReports: a.expectedReports,
              receivedReports: a.receivedReports,
              meters: a.evidence.map((e) => ({
                meterId: e.meterId,
                expectedReports: e.expectedReports,
                receivedReports: e.receivedReports,
              })),
            })),
          },
        },
      ],
    };
  },
};
