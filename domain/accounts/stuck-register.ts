/**
 * Stuck register (brief: "flow reported but the totalizer does not move over [1 hour]"): a run of
 * consecutive readings that all report flow while their totals are equal, lasting at least
 * stuckRegisterMinMs. Each day the run crosses gets its own anomaly, clipped to the day, so that
 * the account of a day is the same whichever span it was computed in.
 */
import { DAY_MS } from '../../platform/local-time.ts';
import type { MeterPoint } from './intervals.ts';
import type { AccountingOptions } from './options.ts';
import type { StuckRegisterAnomaly } from './types.ts';

export interface DayAnomaly<A> {
  dayIndex: number;
  anomaly: A;
}

function reportsFlow(p: MeterPoint, o: AccountingOptions): boolean {
  const flow = p.reading?.flowM3h;
  return p.origin === 'reading' && flow !== undefined && flow > o.stuckRegisterMinFlowM3h;
}

/** Index ranges [start, end] of the runs in time-ordered points. */
export function stuckRuns(points: readonly MeterPoint[], o: AccountingOptions): { start: number; end: number }[] {
  const runs: { start: number; end: number }[] = [];
  let i = 0;
  while (i < points.length) {
    const first = points[i];
    if (!first || !reportsFlow(first, o)) {
      i++;
      continue;
    }
    let j = i;
    for (;;) {
      const next = points[j + 1];
      if (!next || !reportsFlow(next, o) || next.units !== first.units) break;
      j++;
    }
    const last = points[j];
    if (last && j > i && last.ts - first.ts >= o.stuckRegisterMinMs) runs.push({ start: i, end: j });
    i = j + 1;
  }
  return runs;
}

export function stuckRegisterAnomalies(
  meterId: string,
  points: readonly MeterPoint[],
  o: AccountingOptions,
  spanStartMs: number,
  dayCount: number,
): DayAnomaly<StuckRegisterAnomaly>[] {
  const out: DayAnomaly<StuckRegisterAnomaly>[] = [];
  for (const run of stuckRuns(points, o)) {
    const runFrom = points[run.start]?.ts ?? 0;
    const runTo = points[run.end]?.ts ?? 0;
    const firstDay = Math.max(0, Math.floor((runFrom - spanStartMs) / DAY_MS));
    const lastDay = Math.min(dayCount - 1, Math.floor((runTo - 1 - spanStartMs) / DAY_MS));
    for (let d = firstDay; d <= lastDay; d++) {
      const dayStart = spanStartMs + d * DAY_MS;
      const dayEnd = dayStart + DAY_MS;
      // The run's readings whose intervals overlap the day: all of them were fetched (span.ts).
      let lo = Infinity;
      let hi = -Infinity;
      const seen = new Set<number>();
      for (let k = run.start; k < run.end; k++) {
        const a = points[k];
        const b = points[k + 1];
        if (!a || !b || b.ts <= dayStart || a.ts >= dayEnd) continue;
        lo = Math.min(lo, Math.max(a.ts, dayStart));
        hi = Math.max(hi, Math.min(b.ts, dayEnd));
        seen.add(k).add(k + 1);
      }
      if (hi <= lo) continue;
      const flows = [...seen].map((k) => points[k]?.reading?.flowM3h ?? 0);
      out.push({
        dayIndex: d,
        anomaly: {
          kind: 'stuck-register',
          meterId,
          fromMs: lo,
          toMs: hi,
          totalM3: points[run.start]?.totalM3 ?? 0,
          maxFlowM3h: Math.max(...flows),
          readings: seen.size,
        },
      });
    }
  }
  return out;
}
