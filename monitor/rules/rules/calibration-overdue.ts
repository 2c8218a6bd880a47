/**
 * Calibration or verification overdue (item): a meter with a verification period (meter-duty.ts)
 * whose last calibration (or, if none is recorded, its installation) plus the period lies before
 * today. The due date itself is still in time.
 */
import { addMonths, daysBetween, localDayEnd } from '../calendar.ts';
import { bilingual } from '../format.ts';
import { meterDuty } from '../meter-duty.ts';
import type { IntakeRule } from '../rule.ts';
import type { FingerprintedDraft } from '../types.ts';

export const calibrationOverdue: IntakeRule = {
  id: 'calibration-overdue',
  evaluate(ctx) {
    const checked: string[] = [];
    const findings: FingerprintedDraft[] = [];
    for (const m of ctx.activeMeters) {
      const duty = meterDuty(m, ctx.options);
      if (duty.kind === 'unknown') continue;
      checked.push(m.meterId);
      if (duty.kind !== 'calibration') continue;
      const from = m.lastCalibratedOn ?? m.installedOn;
      const due = addMonths(from, duty.months);
      if (ctx.today <= due) continue;
      const overdueDays = daysBetween(due, ctx.today);
      findings.push({
        subject: m.meterId,
        windowStartMs: localDayEnd(due),
        windowEndMs: ctx.now,
        summary: bilingual(
          `计量设施 ${m.meterId}（DN ${m.diameterMm ?? '?'}）${m.lastCalibratedOn === null ? `自 ${m.installedOn} 安装后未登记检定` : `上次检定 ${m.lastCalibratedOn}`}，应于 ${due} 前检定，已超期 ${overdueDays} 天`,
          `Meter ${m.meterId} (DN ${m.diameterMm ?? '?'}) ${m.lastCalibratedOn === null ? `has no calibration recorded since installation on ${m.installedOn}` : `was last calibrated on ${m.lastCalibratedOn}`}; it was due by ${due}, ${overdueDays} days ago`,
        ),
        evidence: {
          meterId: m.meterId,
          meterType: m.meterType,
          diameterMm: m.diameterMm,
          installedOn: m.installedOn,
          lastCalibratedOn: m.lastCalibratedOn,
          intervalMonths: duty.months,
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
