/**
 * Withdrawal outside the permitted hours (item). Each interval between consecutive readings of a
 * meter that advanced is split by time into permitted and outside parts. An interval wholly outside
 * the hours counts in full, however long; one that straddles a boundary counts pro rata only when
 * it is short (≤ sampleGapFactor reporting intervals), since over a gap the time of use is unknown.
 * Intervals are assigned to the day they start in; the outside volume must reach outsideWindowMinM3.
 */
import { daysTouched, localDay, localDayEnd, localDayStart } from '../../../platform/local-time.ts';
import { permittedHours } from '../time-windows.ts';
import { bilingual, localTime, m3, roundM3 } from '../format.ts';
import { permitOnDay, permitRef } from '../permits.ts';
import { evaluatedWindow, meterSeries } from '../readings.ts';
import type { FindingDraft, IntakeRule, RuleContext } from '../rule.ts';
import type { Evidence, RulePermit } from '../types.ts';

const MAX_INTERVALS = 100;

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/** Milliseconds of [fromMs, toMs] inside the permitted hours of the permit in force each day. */
function permittedMs(ctx: RuleContext, fromMs: number, toMs: number): number {
  let ms = 0;
  for (const day of daysTouched(fromMs, toMs)) {
    const p = permitOnDay(ctx.input.permits, day);
    const windows =
      p?.hoursStart != null && p.hoursEnd != null
        ? permittedHours(day, p.hoursStart, p.hoursEnd)
        : [[localDayStart(day), localDayEnd(day)] as [number, number]];
    for (const [w0, w1] of windows) ms += overlap(fromMs, toMs, w0, w1);
  }
  return ms;
}

interface OutsideInterval {
  meterId: string;
  permit: RulePermit;
  evidence: Evidence;
  fromMs: number;
  toMs: number;
  outsideM3: number;
}

export const outsideHours: IntakeRule = {
  id: 'outside-hours',
  evaluate(ctx) {
    const window = evaluatedWindow(ctx);
    const series = meterSeries(ctx);
    if (!window || !series) return null;
    const restricted = (day: string) => {
      const p = permitOnDay(ctx.input.permits, day);
      return p?.hoursStart != null ? p : null;
    };
    const checked = new Set(ctx.accounts.flatMap((a) => restricted(a.day)?.permitNumber ?? []));
    const found: OutsideInterval[] = [];
    for (const m of series) {
      const maxShortMs = ctx.options.sampleGapFactor * m.reportingIntervalS * 1000;
      m.readings.forEach((b, i) => {
        const a = m.readings[i - 1];
        if (!a || a.ts < window.fromMs || a.ts >= window.toMs || b.totalM3 <= a.totalM3) return;
        const permit = restricted(localDay(a.ts));
        if (!permit) return;
        const lengthMs = b.ts - a.ts;
        const outsideMs = lengthMs - permittedMs(ctx, a.ts, b.ts);
        if (outsideMs <= 0 || (outsideMs < lengthMs && lengthMs > maxShortMs)) return;
        const volume = b.totalM3 - a.totalM3;
        const outsideM3 = roundM3((volume * outsideMs) / lengthMs);
        found.push({
          meterId: m.meterId,
          permit,
          fromMs: a.ts,
          toMs: b.ts,
          outsideM3,
          evidence: {
            meterId: m.meterId,
            from: localTime(a.ts),
            to: localTime(b.ts),
            fromMs: a.ts,
            toMs: b.ts,
            fromTotalM3: a.totalM3,
            toTotalM3: b.totalM3,
            volumeM3: roundM3(volume),
            outsideMs,
            outsideM3,
          },
        });
      });
    }
    const byPermit = new Map<string, OutsideInterval[]>();
    for (const f of found) byPermit.set(f.permit.permitNumber, [...(byPermit.get(f.permit.permitNumber) ?? []), f]);
    const findings: FindingDraft[] = [];
    for (const [number, list] of byPermit) {
      list.sort((x, y) => x.fromMs - y.fromMs || (x.meterId < y.meterId ? -1 : x.meterId > y.meterId ? 1 : 0));
      const total = roundM3(list.reduce((s, f) => s + f.outsideM3, 0));
      const first = list[0];
      if (!first || total < ctx.options.outsideWindowMinM3 || total === 0) continue;
      checked.add(number);
      const hours = `${first.permit.hoursStart ?? ''}-${first.permit.hoursEnd ?? ''}`;
      const fromMs = first.fromMs;
      const toMs = Math.max(...list.map((f) => f.toMs));
      findings.push({
        subject: number,
        windowStartMs: fromMs,
        windowEndMs: toMs,
        summary: bilingual(
          `许可证 ${number} 许可取水时段 ${hours}，${localTime(fromMs)} 至 ${localTime(toMs)} 时段外取水 ${m3(total)} m³`,
          `Permit ${number} allows withdrawal ${hours}; ${m3(total)} m³ withdrawn outside those hours between ${localTime(fromMs)} and ${localTime(toMs)}`,
        ),
        evidence: {
          permit: { ...permitRef(first.permit), hoursStart: first.permit.hoursStart, hoursEnd: first.permit.hoursEnd },
          outsideM3: total,
          minVolumeM3: ctx.options.outsideWindowMinM3,
          intervals: list.slice(0, MAX_INTERVALS).map((f) => f.evidence),
          intervalsOmitted: Math.max(0, list.length - MAX_INTERVALS),
        },
      });
    }
    return { findings, checked: [...checked].sort() };
  },
};
