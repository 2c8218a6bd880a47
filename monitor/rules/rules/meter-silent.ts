/** Meter silent (item): no reading for silentItemMs (3 days) or more. */
import { bilingual, duration } from '../format.ts';
import type { IntakeRule } from '../rule.ts';
import { meterSilences, silenceEvidence, silenceFingerprint, sinceText } from '../silence.ts';
import type { FingerprintedDraft } from '../types.ts';

export const meterSilent: IntakeRule = {
  id: 'meter-silent',
  evaluate(ctx) {
    const silences = meterSilences(ctx);
    if (!silences) return null;
    const findings = silences
      .filter((s) => s.silentMs >= ctx.options.silentItemMs)
      .map((s): FingerprintedDraft => {
        const since = sinceText(s);
        return {
          subject: s.meter.meterId,
          windowStartMs: s.sinceMs,
          windowEndMs: ctx.now,
          summary: bilingual(
            `计量设施 ${s.meter.meterId} 已 ${duration(s.silentMs)} 无数据，${since.zh}`,
            `Meter ${s.meter.meterId} has been silent for ${duration(s.silentMs)}; it ${since.en}`,
          ),
          evidence: silenceEvidence(s, ctx),
          fingerprint: silenceFingerprint(s),
        };
      });
    return { findings, checked: silences.map((s) => s.meter.meterId) };
  },
};
