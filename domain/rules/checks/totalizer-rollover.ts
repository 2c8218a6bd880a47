/** Totalizer rollover (notice): the register wrapped at its maximum; the volume is accounted explicitly as (max − from) + to. */
import { anomalyRule } from '../anomaly-rule.ts';
import { localTime, m3 } from '../format.ts';

export const totalizerRollover = anomalyRule({
  id: 'totalizer-rollover',
  kind: 'rollover',
  describe(meterId, list) {
    const [a] = list;
    const at = a ? `${localTime(a.fromMs)} → ${localTime(a.toMs)}` : '';
    return {
      zh: `计量设施 ${meterId} 累计值在 ${m3(a?.registerMaxM3 ?? 0)} m³ 处翻转（${at}，${m3(a?.fromTotalM3 ?? 0)} → ${m3(a?.toTotalM3 ?? 0)}），按 ${m3(a?.volumeM3 ?? 0)} m³ 计量（共 ${list.length} 次）`,
      en: `Meter ${meterId} register rolled over at ${m3(a?.registerMaxM3 ?? 0)} m³ (${at}, ${m3(a?.fromTotalM3 ?? 0)} → ${m3(a?.toTotalM3 ?? 0)}), counted as ${m3(a?.volumeM3 ?? 0)} m³ (${list.length} time(s))`,
    };
  },
  thresholds: (ctx) => ({
    rolloverWindowFraction: ctx.options.accounting.rolloverWindowFraction,
    rolloverFlowFactor: ctx.options.accounting.rolloverFlowFactor,
  }),
});
