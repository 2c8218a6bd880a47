/** Stuck register (item): flow reported while the totalizer did not move for stuckRegisterMinMs (1 hour) or more. */
import { anomalyRule } from '../anomaly-rule.ts';
import { duration, localTime, m3 } from '../format.ts';

export const stuckRegister = anomalyRule({
  id: 'stuck-register',
  kind: 'stuck-register',
  describe(meterId, list) {
    const first = list[0];
    const last = list.at(-1);
    const fromMs = first?.fromMs ?? 0;
    const toMs = last?.toMs ?? 0;
    const flow = m3(Math.max(...list.map((a) => a.maxFlowM3h)));
    const total = m3(first?.totalM3 ?? 0);
    return {
      zh: `计量设施 ${meterId} ${localTime(fromMs)} 至 ${localTime(toMs)} 报告流量（最高 ${flow} m³/h），累计值停在 ${total} m³ 达 ${duration(toMs - fromMs)}`,
      en: `Meter ${meterId} reported flow (up to ${flow} m³/h) from ${localTime(fromMs)} to ${localTime(toMs)} while its totalizer stood at ${total} m³ for ${duration(toMs - fromMs)}`,
    };
  },
  thresholds: (ctx) => ({
    stuckRegisterMinMs: ctx.options.accounting.stuckRegisterMinMs,
    stuckRegisterMinFlowM3h: ctx.options.accounting.stuckRegisterMinFlowM3h,
  }),
});
