/**
 * Online metering missing where required (item): the permit in force today allows at least
 * onlineMeteringSurfaceM3 (500 000 m³/year) from surface water, or onlineMeteringGroundwaterM3
 * (50 000 m³/year) from groundwater, and the intake has no active meter with online reading.
 */
import { bilingual, m3 } from '../format.ts';
import { permitOnDay, permitRef } from '../permits.ts';
import { type IntakeRule, silent } from '../rule.ts';
import type { FingerprintedDraft, RuleIntake } from '../types.ts';

const SURFACE: readonly RuleIntake['sourceType'][] = ['river', 'lake', 'reservoir'];

export const onlineMeteringMissing: IntakeRule = {
  id: 'online-metering-missing',
  evaluate(ctx) {
    const { intake } = ctx.input;
    const permit = permitOnDay(ctx.input.permits, ctx.today);
    const threshold = SURFACE.includes(intake.sourceType)
      ? ctx.options.onlineMeteringSurfaceM3
      : intake.sourceType === 'groundwater'
        ? ctx.options.onlineMeteringGroundwaterM3
        : null;
    // Not required: no permit to read the volume from, another kind of source, or below the threshold.
    if (!permit || threshold === null || permit.annualVolumeM3 < threshold) return silent(intake.code);
    const online = ctx.activeMeters.filter((m) => m.readingMode === 'online');
    if (online.length > 0) return silent(intake.code);
    const finding: FingerprintedDraft = {
      subject: intake.code,
      windowStartMs: ctx.now,
      windowEndMs: ctx.now,
      summary: bilingual(
        `取水口 ${intake.code}（${intake.sourceType}）许可年取水量 ${m3(permit.annualVolumeM3)} m³，达到 ${m3(threshold)} m³ 应在线计量，但无在用在线计量设施`,
        `Intake ${intake.code} (${intake.sourceType}) is permitted ${m3(permit.annualVolumeM3)} m³/year, at or above ${m3(threshold)} m³ where online metering is required, and has no active online meter`,
      ),
      evidence: {
        sourceType: intake.sourceType,
        permit: { ...permitRef(permit), annualVolumeM3: permit.annualVolumeM3 },
        thresholdM3: threshold,
        activeMeters: ctx.activeMeters.map((m) => ({ meterId: m.meterId, readingMode: m.readingMode, meterType: m.meterType })),
      },
      // The permit that requires online metering and the threshold it reaches: the same requirement
      // unmet, evaluated again, is the same condition; a renewed permit or another threshold is not.
      fingerprint: `permit ${permit.id}@${threshold}`,
    };
    return { checked: [intake.code], findings: [finding] };
  },
};
