/** Permit time windows: the season (MM-DD range) and the permitted hours of a local day. */
import { DAY_MS, localDayStart } from '../../platform/local-time.ts';

/** Whether the day's MM-DD lies in the season start..end inclusive; a season may wrap the new year (11-01..03-31). */
export function inSeason(day: string, start: string, end: string): boolean {
  const md = day.slice(5);
  return start <= end ? md >= start && md <= end : md >= start || md <= end;
}

function timeOfDayMs(hhmm: string): number {
  const [h = 0, m = 0, s = 0] = hhmm.split(':').map(Number);
  return ((h * 60 + m) * 60 + s) * 1000;
}

/**
 * The permitted parts [from, to) of a local day for hours start..end (end exclusive). A window may
 * wrap midnight (22:00..06:00); start = end means the whole day.
 */
export function permittedHours(day: string, start: string, end: string): [number, number][] {
  const base = localDayStart(day);
  const s = timeOfDayMs(start);
  const e = timeOfDayMs(end);
  if (s === e) return [[base, base + DAY_MS]];
  if (s < e) return [[base + s, base + e]];
  return [
    [base, base + e],
    [base + s, base + DAY_MS],
  ];
}
