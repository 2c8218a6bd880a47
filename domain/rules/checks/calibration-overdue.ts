/**
 * Calibration or verification overdue (item): a meter with a verification period (meter-duty.ts)
 * whose last calibration (or, if none is recorded, its installation) plus the period lies before
 * today. The due date itself is still in time.
 */
import { addMonths } from '../../../platform/local-time.ts';
import { dueDateRule } from '../meter-duty.ts';

export const calibrationOverdue = dueDateRule('calibration-overdue', {
  kind: 'calibration',
  dueOn: (m, duty) => addMonths(m.lastCalibratedOn ?? m.installedOn, duty.months),
  sentence: (m, _duty, due, overdueDays) => ({
    zh: `计量设施 ${m.meterId}（DN ${m.diameterMm ?? '?'}）${m.lastCalibratedOn === null ? `自 ${m.installedOn} 安装后未登记检定` : `上次检定 ${m.lastCalibratedOn}`}，应于 ${due} 前检定，已超期 ${overdueDays} 天`,
    en: `Meter ${m.meterId} (DN ${m.diameterMm ?? '?'}) ${m.lastCalibratedOn === null ? `has no calibration recorded since installation on ${m.installedOn}` : `was last calibrated on ${m.lastCalibratedOn}`}; it was due by ${due}, ${overdueDays} days ago`,
  }),
  evidence: (m, duty) => ({ lastCalibratedOn: m.lastCalibratedOn, intervalMonths: duty.months }),
});
