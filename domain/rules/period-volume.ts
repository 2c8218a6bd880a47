/**
 * The figures the annual and monthly volume rules share: each given year or month aggregate with
 * the permit that governs it, its limit, the share used and the linear projection to the period's end.
 */
import { DAY_MS, localDayEnd, localDayStart, periodBounds } from '../../platform/local-time.ts';
import { permitForPeriod, permitRef } from './permits.ts';
import type { RuleContext } from './rule.ts';
import type { Evidence, PeriodUsage, RulePermit } from './types.ts';

export interface PeriodVolumeCheck {
  usage: PeriodUsage;
  permit: RulePermit;
  limitM3: number;
  /** volume / limit; null when the limit is 0 (a month planned without withdrawal). */
  share: number | null;
  elapsedDays: number;
  periodDays: number;
  /** volume × periodDays / elapsedDays; null until enough of the period has passed to say. */
  projectedM3: number | null;
  /** Permit number and period: each period's excess is its own finding. */
  subject: string;
  windowStartMs: number;
  windowEndMs: number;
}

/** null when no aggregate of this kind was given (the rule could not be evaluated). */
export function periodVolumeChecks(ctx: RuleContext, kind: 'year' | 'month'): PeriodVolumeCheck[] | null {
  const given = ctx.input.periods.filter((p) => periodBounds(p.period)?.kind === kind);
  if (given.length === 0) return null;
  const minDays = kind === 'year' ? ctx.options.annualProjectionMinDays : ctx.options.monthlyProjectionMinDays;
  const checks: PeriodVolumeCheck[] = [];
  for (const usage of given) {
    const bounds = periodBounds(usage.period);
    if (!bounds) continue;
    const permit = permitForPeriod(ctx.input.permits, bounds.firstDay, bounds.lastDay);
    if (!permit) continue;
    const limitM3 = kind === 'year' ? permit.annualVolumeM3 : (permit.monthlyPlanM3?.[Number(usage.period.slice(5)) - 1] ?? null);
    if (limitM3 === null) continue;
    const startMs = localDayStart(bounds.firstDay);
    const endMs = Math.min(ctx.now, localDayEnd(usage.throughDay));
    const elapsedDays = Math.max(0, endMs - startMs) / DAY_MS;
    const periodDays = (localDayEnd(bounds.lastDay) - startMs) / DAY_MS;
    const projectedM3 = elapsedDays >= minDays && elapsedDays > 0 ? (usage.volumeM3 * periodDays) / elapsedDays : null;
    checks.push({
      usage,
      permit,
      limitM3,
      share: limitM3 > 0 ? usage.volumeM3 / limitM3 : null,
      elapsedDays,
      periodDays,
      projectedM3,
      subject: `${permit.permitNumber}@${usage.period}`,
      windowStartMs: startMs,
      windowEndMs: Math.max(startMs, endMs),
    });
  }
  return checks;
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

export function periodEvidence(c: PeriodVolumeCheck): Evidence {
  return {
    period: c.usage.period,
    throughDay: c.usage.throughDay,
    volumeM3: c.usage.volumeM3,
    missingDays: c.usage.missingDays,
    permit: permitRef(c.permit),
    limitM3: c.limitM3,
    share: c.share === null ? null : round(c.share, 4),
    elapsedDays: round(c.elapsedDays, 3),
    periodDays: c.periodDays,
    projectedM3: c.projectedM3 === null ? null : round(c.projectedM3, 3),
  };
}
