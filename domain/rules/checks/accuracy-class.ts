/**
 * Accuracy class below requirement (item): the meter's recorded accuracy class is larger (worse)
 * than the class required for its type (accuracyClassRequired; docs/rules.md, "Accuracy table").
 * A meter without a recorded class is not judged.
 */
import { bilingual } from '../format.ts';
import { checkingOutOfService, type IntakeRule } from '../rule.ts';
import type { FingerprintedDraft } from '../types.ts';

export const accuracyClass: IntakeRule = {
  id: 'accuracy-class',
  evaluate(ctx) {
    const checked: string[] = [];
    const findings: FingerprintedDraft[] = [];
    for (const m of ctx.activeMeters) {
      const required = ctx.options.accuracyClassRequired[m.meterType];
      if (required !== null && m.accuracyClass === null) continue;
      checked.push(m.meterId);
      if (required === null || m.accuracyClass === null || m.accuracyClass <= required) continue;
      findings.push({
        subject: m.meterId,
        windowStartMs: ctx.now,
        windowEndMs: ctx.now,
        summary: bilingual(
          `计量设施 ${m.meterId}（${m.meterType}）准确度等级 ${m.accuracyClass} 级，低于要求的 ${required} 级`,
          `Meter ${m.meterId} (${m.meterType}) has accuracy class ${m.accuracyClass}, worse than the required class ${required}`,
        ),
        evidence: {
          meterId: m.meterId,
          meterType: m.meterType,
          diameterMm: m.diameterMm,
          accuracyClass: m.accuracyClass,
          requiredClass: required,
          table: 'GB/T 28714 by meter type (docs/rules.md)',
        },
        // The meter and the classes compared: found again, unchanged, only its window moves on.
        fingerprint: `${m.meterId}:${m.accuracyClass}>${required}`,
      });
    }
    if (checked.length === 0 && ctx.activeMeters.length > 0) return null;
    return checkingOutOfService(ctx, { findings, checked });
  },
};
