/**
 * Over-permit and early-warning rules for a year or a month, built from one pattern so the annual
 * and monthly pairs cannot drift apart. Each is registered under its own id in its own file.
 */
import type { RuleId } from './catalogue.ts';
import { bilingual, m3, pct } from './format.ts';
import { periodEvidence, periodVolumeChecks } from './period-volume.ts';
import type { FindingDraft, IntakeRule } from './rule.ts';

const LABEL = {
  year: { zh: '年度许可水量', en: 'annual permitted volume' },
  month: { zh: '月度计划水量', en: 'monthly plan' },
} as const;

/** Volume above the limit: a rectification item. */
export function overLimitRule(id: RuleId, kind: 'year' | 'month'): IntakeRule {
  return {
    id,
    evaluate(ctx) {
      const checks = periodVolumeChecks(ctx, kind);
      if (!checks) return null;
      const findings: FindingDraft[] = checks
        .filter((c) => c.usage.volumeM3 > c.limitM3)
        .map((c) => ({
          subject: c.subject,
          windowStartMs: c.windowStartMs,
          windowEndMs: c.windowEndMs,
          summary: bilingual(
            `许可证 ${c.permit.permitNumber} ${c.usage.period} 取水量 ${m3(c.usage.volumeM3)} m³（截至 ${c.usage.throughDay}）超过${LABEL[kind].zh} ${m3(c.limitM3)} m³${c.share === null ? '' : `（${pct(c.share)}）`}`,
            `Permit ${c.permit.permitNumber}: ${c.usage.period} volume ${m3(c.usage.volumeM3)} m³ through ${c.usage.throughDay} exceeds the ${LABEL[kind].en} of ${m3(c.limitM3)} m³${c.share === null ? '' : ` (${pct(c.share)})`}`,
          ),
          evidence: { ...periodEvidence(c), excessM3: Math.round((c.usage.volumeM3 - c.limitM3) * 1000) / 1000 },
        }));
      return { findings, checked: checks.map((c) => c.subject) };
    },
  };
}

/**
 * Early warning (notice) at the highest share reached among earlyWarningFractions, or when the
 * linear projection to the period's end exceeds the limit. Silent once the limit is exceeded: the
 * over-limit item has taken over.
 */
export function earlyWarningRule(id: RuleId, kind: 'year' | 'month'): IntakeRule {
  return {
    id,
    evaluate(ctx) {
      const checks = periodVolumeChecks(ctx, kind);
      if (!checks) return null;
      const fractions = ctx.options.earlyWarningFractions;
      const findings: FindingDraft[] = [];
      for (const c of checks) {
        if (c.share === null || c.usage.volumeM3 > c.limitM3) continue;
        const share = c.share;
        const reached = fractions.filter((f) => share >= f).at(-1);
        const projectedOver = c.projectedM3 !== null && c.projectedM3 > c.limitM3;
        if (reached === undefined && !projectedOver) continue;
        const level = reached === undefined ? 'projected' : pct(reached);
        const projection = c.projectedM3 === null ? '' : m3(c.projectedM3);
        findings.push({
          subject: c.subject,
          windowStartMs: c.windowStartMs,
          windowEndMs: c.windowEndMs,
          summary:
            reached === undefined
              ? bilingual(
                  `许可证 ${c.permit.permitNumber} ${c.usage.period} 已取水 ${m3(c.usage.volumeM3)} m³，按当前进度预计 ${projection} m³，将超过${LABEL[kind].zh} ${m3(c.limitM3)} m³`,
                  `Permit ${c.permit.permitNumber}: ${c.usage.period} volume ${m3(c.usage.volumeM3)} m³ projects to ${projection} m³, above the ${LABEL[kind].en} of ${m3(c.limitM3)} m³`,
                )
              : bilingual(
                  `许可证 ${c.permit.permitNumber} ${c.usage.period} 已取水 ${m3(c.usage.volumeM3)} m³，达到${LABEL[kind].zh} ${m3(c.limitM3)} m³ 的 ${pct(share)}`,
                  `Permit ${c.permit.permitNumber}: ${c.usage.period} volume ${m3(c.usage.volumeM3)} m³ has reached ${pct(share)} of the ${LABEL[kind].en} of ${m3(c.limitM3)} m³`,
                ),
          evidence: { ...periodEvidence(c), level, warningFractions: [...fractions], projectedOver },
        });
      }
      return { findings, checked: checks.map((c) => c.subject) };
    },
  };
}
