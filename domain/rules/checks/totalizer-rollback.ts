/** Totalizer rollback (item): the totalizer went back with neither a registered replacement nor a rollover near the register maximum. */
import { anomalyRule } from '../anomaly-rule.ts';
import { localTime, m3 } from '../format.ts';

export const totalizerRollback = anomalyRule({
  id: 'totalizer-rollback',
  kind: 'rollback',
  describe(meterId, list) {
    const [a] = list;
    const at = a ? `${localTime(a.fromMs)} → ${localTime(a.toMs)}` : '';
    const from = m3(a?.fromTotalM3 ?? 0);
    const to = m3(a?.toTotalM3 ?? 0);
    return {
      zh: `计量设施 ${meterId} 累计值 ${at} 由 ${from} m³ 回退至 ${to} m³，无换表登记且非翻转（共 ${list.length} 次）`,
      en: `Meter ${meterId} totalizer went back from ${from} m³ to ${to} m³ (${at}) with no registered replacement or rollover (${list.length} time(s))`,
    };
  },
  thresholds: (ctx) => ({
    rolloverWindowFraction: ctx.options.accounting.rolloverWindowFraction,
    rolloverFlowFactor: ctx.options.accounting.rolloverFlowFactor,
  }),
});
