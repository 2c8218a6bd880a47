/** Flow/volume inconsistency (item): a day's totalizer volume and the volume its reported flows imply differ by more than flowMismatchFraction (5 %). */
import { anomalyRule } from '../anomaly-rule.ts';
import { localTime, m3, pct } from '../format.ts';

export const flowVolumeMismatch = anomalyRule({
  id: 'flow-volume-mismatch',
  kind: 'flow-volume-mismatch',
  describe(meterId, list) {
    const worst = list.reduce((w, a) => (a.deviation > w.deviation ? a : w));
    return {
      zh: `计量设施 ${meterId} ${localTime(worst.fromMs)} 至 ${localTime(worst.toMs)} 累计水量 ${m3(worst.volumeM3)} m³，按瞬时流量推算 ${m3(worst.flowVolumeM3)} m³，偏差 ${pct(worst.deviation)}（共 ${list.length} 天）`,
      en: `Meter ${meterId}: totalizer volume ${m3(worst.volumeM3)} m³ against ${m3(worst.flowVolumeM3)} m³ from reported flow between ${localTime(worst.fromMs)} and ${localTime(worst.toMs)}, ${pct(worst.deviation)} apart (${list.length} day(s))`,
    };
  },
  thresholds: (ctx) => ({
    flowMismatchFraction: ctx.options.accounting.flowMismatchFraction,
    flowCheckMinVolumeM3: ctx.options.accounting.flowCheckMinVolumeM3,
  }),
});
