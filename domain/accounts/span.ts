/**
 * The local days to account, which readings the caller must fetch for them, and which days a late
 * batch obliges the caller to recompute. Days are exactly DAY_MS long: Asia/Shanghai has no daylight
 * saving (platform/local-time.ts).
 */
import { DAY_MS, localDay, localDayStart } from '../../platform/local-time.ts';
import { type AccountingOptions, resolveAccountingOptions } from './options.ts';

/** Ten years: a bound against a typo in a date turning one job into a million days. */
export const MAX_SPAN_DAYS = 3660;

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export class AccountingSpanError extends Error {
  override name = 'AccountingSpanError';
}

export interface AccountingSpan {
  /** Local days, oldest first. */
  days: string[];
  /** Local midnight that begins the first day, and that ends the last day. */
  startMs: number;
  endMs: number;
}

function dayStart(day: string): number {
  const ms = ISO_DAY.test(day) ? localDayStart(day) : Number.NaN;
  // localDayStart would roll 2026-02-30 over to March; a day that does not round-trip is not a day.
  if (Number.isNaN(ms) || localDay(ms) !== day) throw new AccountingSpanError(`not a calendar day (YYYY-MM-DD): ${day}`);
  return ms;
}

export function accountingSpan(fromDay: string, toDay: string): AccountingSpan {
  const startMs = dayStart(fromDay);
  const endMs = dayStart(toDay) + DAY_MS;
  const count = (endMs - startMs) / DAY_MS;
  if (count < 1) throw new AccountingSpanError(`toDay ${toDay} is before fromDay ${fromDay}`);
  if (count > MAX_SPAN_DAYS) throw new AccountingSpanError(`span of ${count} days exceeds ${MAX_SPAN_DAYS}`);
  const days = Array.from({ length: count }, (_, i) => localDay(startMs + i * DAY_MS));
  return { days, startMs, endMs };
}

/**
 * What to fetch per meter for accounting fromDay..toDay:
 *   readings with fetchFromMs <= ts < fetchToMs, the last reading before fetchFromMs and the first
 *   at or after fetchToMs (MeterHistory).
 * The margin of stuckRegisterMinMs on each side lets a stuck run that crosses the span's edge be
 * measured to its true length, so a day's account does not depend on which span it was computed in.
 */
export interface ReadingWindow {
  spanStartMs: number;
  spanEndMs: number;
  fetchFromMs: number;
  fetchToMs: number;
}

export function readingWindow(fromDay: string, toDay: string, options: Partial<AccountingOptions> = {}): ReadingWindow {
  const { startMs, endMs } = accountingSpan(fromDay, toDay);
  const margin = resolveAccountingOptions(options).stuckRegisterMinMs;
  return { spanStartMs: startMs, spanEndMs: endMs, fetchFromMs: startMs - margin, fetchToMs: endMs + margin };
}

/** A meter's readings around a day: the last before its local midnight, the first at or after the next. */
export interface DayNeighbours {
  beforeMs: number | null;
  afterMs: number | null;
}

/**
 * The days whose accounts may change when readings arrive late for `day`. A late reading splits the
 * interval between its neighbours, which can span many days (a gateway offline for a week then
 * delivering its buffer), so recomputing only the day the reading falls in would leave the shares
 * of the other days of that interval stale. Give each meter's neighbours of the day.
 */
export function recomputeSpan(
  day: string,
  neighbours: readonly DayNeighbours[],
  options: Partial<AccountingOptions> = {},
): { fromDay: string; toDay: string } {
  const margin = resolveAccountingOptions(options).stuckRegisterMinMs;
  const start = dayStart(day);
  let from = start;
  let to = start + DAY_MS;
  // The margin: a stuck run through a neighbour can change length when the interval is split.
  for (const n of neighbours) {
    if (n.beforeMs !== null) from = Math.min(from, n.beforeMs - margin);
    if (n.afterMs !== null) to = Math.max(to, n.afterMs + margin);
  }
  return { fromDay: localDay(from), toDay: localDay(to - 1) };
}
