/**
 * Clock drift (item): readings stamped more than clockDriftMaxMs (5 minutes) away from when they
 * arrived. The accounting core has already left a store-and-forward backlog out of "behind" (its
 * readings are late, not mis-stamped: domain/accounts/reading-anomalies.ts, heldBackReadings).
 */
import { anomalyRule } from '../anomaly-rule.ts';
import { duration, localTime } from '../format.ts';

export const clockDrift = anomalyRule({
  id: 'clock-drift',
  kind: 'clock-drift',
  describe(meterId, list) {
    const worst = list.reduce((w, a) => (Math.abs(a.worstTs - a.worstReceivedMs) > Math.abs(w.worstTs - w.worstReceivedMs) ? a : w));
    const offset = duration(Math.abs(worst.worstTs - worst.worstReceivedMs));
    const zhDir = worst.direction === 'ahead' ? '超前' : '滞后';
    return {
      zh: `计量设施 ${meterId} 时钟${zhDir}：读数时间 ${localTime(worst.worstTs)}，接收时间 ${localTime(worst.worstReceivedMs)}，相差 ${offset}`,
      en: `Meter ${meterId} clock runs ${worst.direction}: reading stamped ${localTime(worst.worstTs)} arrived at ${localTime(worst.worstReceivedMs)}, ${offset} apart`,
    };
  },
  thresholds: (ctx) => ({ clockDriftMaxMs: ctx.options.accounting.clockDriftMaxMs }),
});
