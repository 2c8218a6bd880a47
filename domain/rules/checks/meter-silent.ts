/** Meter silent (item): no reading for silentItemMs (3 days) or more. */
import { duration } from '../format.ts';
import { silenceRule } from '../silence.ts';

export const meterSilent = silenceRule(
  'meter-silent',
  (s, ctx) => s.silentMs >= ctx.options.silentItemMs,
  (s) => ({
    zh: `计量设施 ${s.meter.meterId} 已 ${duration(s.silentMs)} 无数据`,
    en: `Meter ${s.meter.meterId} has been silent for ${duration(s.silentMs)}`,
  }),
);
