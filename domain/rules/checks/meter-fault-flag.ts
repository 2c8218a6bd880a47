/** Meter fault flags (item): readings carrying tamper, power-off or reverse-flow status (the accounting option faultFlags). */
import { anomalyRule } from '../anomaly-rule.ts';
import { localTime } from '../format.ts';

export const meterFaultFlag = anomalyRule({
  id: 'meter-fault-flag',
  kind: 'fault-flag',
  describe(meterId, list) {
    const flags = [...new Set(list.map((a) => a.flag))].sort().join(', ');
    const readings = list.reduce((s, a) => s + a.readings, 0);
    const fromMs = Math.min(...list.map((a) => a.fromMs));
    const toMs = Math.max(...list.map((a) => a.toMs));
    return {
      zh: `计量设施 ${meterId} 在 ${localTime(fromMs)} 至 ${localTime(toMs)} 有 ${readings} 条读数报警（${flags}）`,
      en: `Meter ${meterId} flagged ${flags} on ${readings} reading(s) between ${localTime(fromMs)} and ${localTime(toMs)}`,
    };
  },
  thresholds: (ctx) => ({ faultFlags: [...ctx.options.accounting.faultFlags] }),
});
