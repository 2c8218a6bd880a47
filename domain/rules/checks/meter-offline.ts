/** Meter offline (notice): no reading for offlineIntervals (3) × its reporting interval, but not yet silentItemMs (3 days). */
import { duration } from '../format.ts';
import { silenceRule } from '../silence.ts';

export const meterOffline = silenceRule(
  'meter-offline',
  (s, ctx) => s.silentMs >= s.offlineAfterMs && s.silentMs < ctx.options.silentItemMs,
  (s) => ({
    zh: `计量设施 ${s.meter.meterId} 已 ${duration(s.silentMs)} 无数据（上报间隔 ${s.meter.reportingIntervalS} 秒）`,
    en: `Meter ${s.meter.meterId} has sent no reading for ${duration(s.silentMs)} (reporting interval ${s.meter.reportingIntervalS} s)`,
  }),
);
