/**
 * Monthly data completeness (item): a month that has ended, summed through its last day, whose
 * completeness (Σ completeness × expected / Σ expected over its days) is below
 * monthlyCompletenessMin (90 %). Each month is its own subject (intake code @ month).
 */
import { localDayEnd, localDayStart, periodBounds } from '../../../platform/local-time.ts';
import { bilingual, pct } from '../format.ts';
import type { IntakeRule } from '../rule.ts';

export const monthlyCompleteness: IntakeRule = {
  id: 'monthly-completeness',
  evaluate(ctx) {
    const { code } = ctx.input.intake;
    const min = ctx.options.monthlyCompletenessMin;
    const months = ctx.input.periods.flatMap((usage) => {
      const bounds = periodBounds(usage.period);
      const ended = bounds?.kind === 'month' && usage.throughDay === bounds.lastDay && localDayEnd(bounds.lastDay) <= ctx.now;
      return ended && usage.expectedReports > 0 ? [{ usage, bounds }] : [];
    });
    if (months.length === 0) return null;
    const findings = months
      .filter(({ usage }) => usage.completeReports / usage.expectedReports < min)
      .map(({ usage, bounds }) => {
        const completeness = usage.completeReports / usage.expectedReports;
        return {
          subject: `${code}@${usage.period}`,
          windowStartMs: localDayStart(bounds.firstDay),
          windowEndMs: localDayEnd(bounds.lastDay),
          summary: bilingual(
            `取水口 ${code} ${usage.period} 月数据完整率 ${pct(completeness)}，低于 ${pct(min)}`,
            `Intake ${code}: data completeness for ${usage.period} is ${pct(completeness)}, below ${pct(min)}`,
          ),
          evidence: {
            period: usage.period,
            completeness: Math.round(completeness * 10_000) / 10_000,
            minCompleteness: min,
            expectedReports: usage.expectedReports,
            completeReports: usage.completeReports,
            missingDays: usage.missingDays,
          },
        };
      });
    return { findings, checked: months.map(({ usage }) => `${code}@${usage.period}`) };
  },
};
