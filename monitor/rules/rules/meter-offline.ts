/** Meter offline (notice): no reading for offlineIntervals (3) × its reporting interval, but not yet silentItemMs (3 days). */
import { bilingual, duration } from '../format.ts';
import type { IntakeRule } from '../rule.ts';
import { meterSilences, silenceEvidence, silenceFingerprint, sinceText } from '../silence.ts';
import type { FingerprintedDraft } from '../types.ts';

export const meterOffline: IntakeRule = {
  id: 'meter-offline',
  evaluate(ctx) {
    const silences = meterSilences(ctx);
    if (!silences) return null;
    const findings = silences
      .filter((s) => s.silentMs >= s.offlineAfterMs && s.silentMs < ctx.options.silentItemMs)
      .map((s): FingerprintedDraft => {
        const since = sinceText(s);
        return {
          subject: s.meter.meterId,
          windowStartMs: s.sinceMs,
          windowEndMs: ctx.now,
          summary: bilingual(
            `计量设施 ${s.meter.meterId} 已 ${duration(s.silentMs)} 无数据（上报间隔 ${s.meter.reportingIntervalS} 秒），${since.zh}`,
            `Meter ${s.meter.meterId} has sent no reading for ${duration(s.silentMs)} (reporting interval ${s.meter.reportingIntervalS} s); it ${since.en}`,
          ),
          evidence: silenceEvidence(s, ctx),
          fingerprint: silenceFingerprint(s),
        };
      });
    return { findings, checked: silences.map((s) => s.meter.meterId) };
  },
};
