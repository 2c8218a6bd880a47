/**
 * How long each active online meter of an active intake has been silent: since its last reading,
 * or since local midnight of its installation day if it never reported. Shared by the offline
 * notice and the silent item so that one meter is never in both.
 */
import { localDayStart } from '../../platform/local-time.ts';
import type { RuleId } from './catalogue.ts';
import { bilingual, duration, localTime } from './format.ts';
import { checkingOutOfService, type IntakeRule, type RuleContext } from './rule.ts';
import type { Evidence, FingerprintedDraft, RuleMeter } from './types.ts';

export interface MeterSilence {
  meter: RuleMeter;
  sinceMs: number;
  silentMs: number;
  /** Offline threshold: offlineIntervals × reporting interval. */
  offlineAfterMs: number;
}

/** null when the intake is not active (its meters are not expected to report). */
export function meterSilences(ctx: RuleContext): MeterSilence[] | null {
  if (ctx.input.intake.status !== 'active') return null;
  return ctx.activeMeters
    .filter((m) => m.readingMode === 'online' && localDayStart(m.installedOn) <= ctx.now)
    .map((meter) => {
      const sinceMs = meter.lastReadingMs ?? localDayStart(meter.installedOn);
      return {
        meter,
        sinceMs,
        // A clock running fast can put the last reading after now: that is not silence.
        silentMs: Math.max(0, ctx.now - sinceMs),
        offlineAfterMs: ctx.options.offlineIntervals * meter.reportingIntervalS * 1000,
      };
    });
}

export function silenceEvidence(s: MeterSilence, ctx: RuleContext): Evidence {
  return {
    meterId: s.meter.meterId,
    lastReadingMs: s.meter.lastReadingMs,
    lastReading: s.meter.lastReadingMs === null ? null : localTime(s.meter.lastReadingMs),
    installedOn: s.meter.installedOn,
    now: localTime(ctx.now),
    silentMs: s.silentMs,
    silentFor: duration(s.silentMs),
    reportingIntervalS: s.meter.reportingIntervalS,
    offlineAfterMs: s.offlineAfterMs,
    silentItemAfterMs: ctx.options.silentItemMs,
    connection: s.meter.connection
      ? { state: s.meter.connection.state, sinceMs: s.meter.connection.sinceMs, since: localTime(s.meter.connection.sinceMs) }
      : null,
  };
}

/**
 * The silence's identity: the meter and the reading it has been silent since. Found again with a
 * later `now` it is the same silence (the ledger refreshes its entry quietly); once the meter
 * reports, a later silence has another `sinceMs` and is a new episode.
 */
export function silenceFingerprint(s: MeterSilence): string {
  return `${s.meter.meterId}@${s.sinceMs}`;
}

export function sinceText(s: MeterSilence): { zh: string; en: string } {
  return s.meter.lastReadingMs === null
    ? { zh: `自 ${s.meter.installedOn} 安装以来从未上报`, en: `has never reported since its installation on ${s.meter.installedOn}` }
    : { zh: `最后一次上报 ${localTime(s.sinceMs)}`, en: `last reported at ${localTime(s.sinceMs)}` };
}

/**
 * A rule over the silences of an intake's meters (offline notice, silent item): they differ only
 * in which silences count and in their sentence.
 */
export function silenceRule(
  id: RuleId,
  counts: (s: MeterSilence, ctx: RuleContext) => boolean,
  sentence: (s: MeterSilence) => { zh: string; en: string },
): IntakeRule {
  return {
    id,
    evaluate(ctx) {
      const silences = meterSilences(ctx);
      if (!silences) return null;
      const findings = silences
        .filter((s) => counts(s, ctx))
        .map((s): FingerprintedDraft => {
          const since = sinceText(s);
          const said = sentence(s);
          return {
            subject: s.meter.meterId,
            windowStartMs: s.sinceMs,
            windowEndMs: ctx.now,
            summary: bilingual(`${said.zh}，${since.zh}`, `${said.en}; it ${since.en}`),
            evidence: silenceEvidence(s, ctx),
            fingerprint: silenceFingerprint(s),
          };
        });
      return checkingOutOfService(ctx, { findings, checked: silences.map((s) => s.meter.meterId) });
    },
  };
}
