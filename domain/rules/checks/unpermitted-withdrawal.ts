/**
 * Unpermitted withdrawal: water withdrawn on a day when the intake holds no permit in force (none,
 * expired, not yet valid, suspended or revoked), unless it is exempt. A bundled small-irrigation
 * intake needs no permit of its own while its year volume stays within the bundle threshold.
 */
import { localDayEnd, localDayStart } from '../../../platform/local-time.ts';
import { bilingual, m3, roundM3 } from '../format.ts';
import { noPermitReason, permitOnDay, permitRef } from '../permits.ts';
import { type IntakeRule, silent } from '../rule.ts';
import type { Evidence, PeriodUsage } from '../types.ts';

function latestYear(periods: readonly PeriodUsage[]): PeriodUsage | null {
  return periods.filter((p) => /^\d{4}$/.test(p.period)).sort((a, b) => (a.throughDay < b.throughDay ? 1 : -1))[0] ?? null;
}

export const unpermittedWithdrawal: IntakeRule = {
  id: 'unpermitted-withdrawal',
  evaluate(ctx) {
    const { intake, permits, periods } = ctx.input;
    if (intake.permitExempt) return silent(intake.code);
    let bundle: Evidence | null = null;
    if (intake.bundledSmallIrrigation) {
      const year = latestYear(periods);
      if (!year) return null;
      if (year.volumeM3 <= ctx.options.bundleMaxAnnualM3) return silent(intake.code);
      bundle = {
        year: year.period,
        throughDay: year.throughDay,
        yearVolumeM3: year.volumeM3,
        bundleMaxAnnualM3: ctx.options.bundleMaxAnnualM3,
      };
    }
    if (ctx.accounts.length === 0) return null;
    const days = ctx.accounts
      .filter((a) => a.volumeM3 !== null && a.volumeM3 > 0 && permitOnDay(permits, a.day) === null)
      .map((a) => {
        const { reason, permit } = noPermitReason(permits, a.day);
        return { day: a.day, volumeM3: a.volumeM3 ?? 0, status: a.status, reason, permit: permit ? permitRef(permit) : null };
      });
    const first = days[0];
    const last = days.at(-1);
    if (!first || !last) return silent(intake.code);
    const total = roundM3(days.reduce((s, d) => s + d.volumeM3, 0));
    const reasons = [...new Set(days.map((d) => d.reason))].join(', ');
    return {
      checked: [intake.code],
      findings: [
        {
          subject: intake.code,
          windowStartMs: localDayStart(first.day),
          windowEndMs: localDayEnd(last.day),
          summary: bilingual(
            `取水口 ${intake.code} 在无有效取水许可的 ${days.length} 天（${first.day} 至 ${last.day}）取水 ${m3(total)} m³（${reasons}）`,
            `Intake ${intake.code} withdrew ${m3(total)} m³ on ${days.length} day(s) from ${first.day} to ${last.day} without a permit in force (${reasons})`,
          ),
          evidence: {
            volumeM3: total,
            days,
            bundle,
            permitsOnRecord: [...permits].sort((a, b) => (a.validFrom < b.validFrom ? -1 : 1)).map(permitRef),
          },
        },
      ],
    };
  },
};
