/**
 * Meter replacement overdue (item): a small water meter (DN ≤ 50) still in service after its
 * service life from installation (JJG 162-2019: 6 years for DN ≤ 25, 4 years for DN ≤ 50).
 */
import { addMonths } from '../../../platform/local-time.ts';
import { dueDateRule } from '../meter-duty.ts';

export const meterReplacementDue = dueDateRule('meter-replacement-due', {
  kind: 'replacement',
  dueOn: (m, duty) => addMonths(m.installedOn, duty.years * 12),
  sentence: (m, duty, due, overdueDays) => ({
    zh: `水表 ${m.meterId}（DN ${m.diameterMm ?? '?'}）${m.installedOn} 安装，使用期限 ${duty.years} 年，应于 ${due} 前轮换，已超期 ${overdueDays} 天`,
    en: `Meter ${m.meterId} (DN ${m.diameterMm ?? '?'}) installed on ${m.installedOn} has a service life of ${duty.years} years; it was due for replacement by ${due}, ${overdueDays} days ago`,
  }),
  evidence: (_m, duty) => ({ serviceYears: duty.years }),
});
