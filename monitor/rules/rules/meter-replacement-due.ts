/**
 * Meter replacement overdue (item): a small water meter (DN ≤ 50) still in service after its
 * service life from installation (JJG 162-2019: 6 years for DN ≤ 25, 4 years for DN ≤ 50).
 */
import { addMonths, daysBetween, localDayEnd } from '../calendar.ts';
import { bilingual } from '../format.ts';
import { meterDuty } from '../meter-duty.ts';
import type { IntakeRule } from '../rule.ts';
import type { FingerprintedDraft } from '../types.ts';

export const meterReplacementDue: IntakeRule = {
  id: 'meter-replacement-due',
  evaluate(ctx) {
    const checked: string[] = [];
    const findings: FingerprintedDraft[] = [];
    for (const m of ctx.activeMeters) {
      const duty = meterDuty(m, ctx.options);
      if (duty.kind === 'unknown') continue;
      checked.push(m.meterId);
      if (duty.kind !== 'replacement') continue;
      const due = addMonths(m.installedOn, duty.years * 12);
      if (ctx.today <= due) continue;
      const overdueDays = daysBetween(due, ctx.today);
      findings.push({
        subject: m.meterId,
        windowStartMs: localDayEnd(due),
        windowEndMs: ctx.now,
        summary: bilingual(
          `水表 ${m.meterId}（DN ${m.diameterMm ?? '?'}）${m.installedOn} 安装，使用期限 ${duty.years} 年，应于 ${due} 前轮换，已超期 ${overdueDays} 天`,
          `Meter ${m.meterId} (DN ${m.diameterMm ?? '?'}) installed on ${m.installedOn} has a service life of ${duty.years} years; it was due for replacement by ${due}, ${overdueDays} days ago`,
        ),
        evidence: {
          meterId: m.meterId,
          meterType: m.meterType,
          diameterMm: m.diameterMm,
          installedOn: m.installedOn,
          serviceYears: duty.years,
          basis: duty.basis,
          dueOn: due,
          today: ctx.today,
          overdueDays,
        },
        // The meter and its due date: the overdue days counting up do not make it another condition.
        fingerprint: `${m.meterId}@${due}`,
      });
    }
    if (checked.length === 0 && ctx.activeMeters.length > 0) return null;
    return { findings, checked };
  },
};
