/** Local (Asia/Shanghai) calendar arithmetic on YYYY-MM-DD strings, for permits, periods and windows. */
import { DAY_MS, localDay, localDayStart, MONTH_PATTERN } from './local-time.ts';

export { DAY_MS, localDay, localDayStart };

/** The instant the local day ends (the next day's midnight). */
export function localDayEnd(day: string): number {
  return localDayStart(day) + DAY_MS;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** `day` plus whole months, clamped to the month's end (2024-02-29 + 12 months = 2025-02-28). */
export function addMonths(day: string, months: number): string {
  const [y = 0, m = 1, d = 1] = day.split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

export interface PeriodBounds {
  kind: 'year' | 'month';
  firstDay: string;
  lastDay: string;
}

/** '2026' or '2026-06'; null for anything else. */
export function periodBounds(period: string): PeriodBounds | null {
  if (/^\d{4}$/.test(period)) return { kind: 'year', firstDay: `${period}-01-01`, lastDay: `${period}-12-31` };
  if (MONTH_PATTERN.test(period)) {
    const firstDay = `${period}-01`;
    return { kind: 'month', firstDay, lastDay: addDays(addMonths(firstDay, 1), -1) };
  }
  return null;
}

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

/** The local days an instant range [fromMs, toMs) touches (at least the day of fromMs). */
export function daysTouched(fromMs: number, toMs: number): string[] {
  const last = localDay(Math.max(fromMs, toMs - 1));
  const days: string[] = [];
  for (let day = localDay(fromMs); day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}
