/** The evaluated window and the meters' readings in it, cleaned for the rate and hours rules. */
import { localDayEnd, localDayStart } from '../../platform/local-time.ts';
import type { RuleContext } from './rule.ts';

export interface CleanReading {
  ts: number;
  totalM3: number;
  flowM3h: number | null;
}

export interface MeterSeries {
  meterId: string;
  reportingIntervalS: number;
  /** Sorted by ts, one per ts (the larger total wins, as in the accounting core). */
  readings: CleanReading[];
}

/** [start of the first evaluated day, end of the last); null without accounts. */
export function evaluatedWindow(ctx: RuleContext): { fromMs: number; toMs: number } | null {
  const first = ctx.accounts[0];
  const last = ctx.accounts.at(-1);
  if (!first || !last) return null;
  return { fromMs: localDayStart(first.day), toMs: localDayEnd(last.day) };
}

/** null when readings were not fetched. Meters missing from the registry list get the default 900 s interval. */
export function meterSeries(ctx: RuleContext): MeterSeries[] | null {
  if (ctx.input.readings === null) return null;
  const intervals = new Map(ctx.input.meters.map((m) => [m.meterId, m.reportingIntervalS]));
  return [...ctx.input.readings]
    .sort((a, b) => (a.meterId < b.meterId ? -1 : a.meterId > b.meterId ? 1 : 0))
    .map((m) => {
      const byTs = new Map<number, CleanReading>();
      for (const r of m.readings) {
        const prev = byTs.get(r.ts);
        if (!prev || r.totalM3 > prev.totalM3) byTs.set(r.ts, { ts: r.ts, totalM3: r.totalM3, flowM3h: r.flowM3h ?? null });
      }
      return {
        meterId: m.meterId,
        reportingIntervalS: intervals.get(m.meterId) ?? 900,
        readings: [...byTs.values()].sort((a, b) => a.ts - b.ts),
      };
    });
}
