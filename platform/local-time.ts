/**
 * Accounting time (brief, section 4): days, months and years begin at local midnight in
 * Asia/Shanghai. China has kept UTC+8 without daylight saving since 1991, so a fixed offset is
 * exact for every reading this system will see, and far cheaper than a time-zone database per call.
 */
export const LOCAL_TIME_ZONE = 'Asia/Shanghai';
export const LOCAL_OFFSET_MS = 8 * 3600 * 1000;
export const DAY_MS = 86_400_000;
/** A calendar month, YYYY-MM. */
export const MONTH_PATTERN = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

/** Day names by day number, for localDay: accounting asks for the same few days millions of times. */
const dayNames = new Map<number, string>();

/** The local calendar day (YYYY-MM-DD) of an instant. */
export function localDay(epochMs: number): string {
  const dayNumber = Math.floor((epochMs + LOCAL_OFFSET_MS) / DAY_MS);
  let name = dayNames.get(dayNumber);
  if (name === undefined) {
    name = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
    if (dayNames.size > 100_000) dayNames.clear();
    dayNames.set(dayNumber, name);
  }
  return name;
}

/** The instant local midnight begins `day` (YYYY-MM-DD). */
export function localDayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) - LOCAL_OFFSET_MS;
}

// Calendar arithmetic on YYYY-MM-DD strings, for permits, periods and windows.

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

/** The local days an instant range [fromMs, toMs) touches (at least the day of fromMs). */
export function daysTouched(fromMs: number, toMs: number): string[] {
  const last = localDay(Math.max(fromMs, toMs - 1));
  const days: string[] = [];
  for (let day = localDay(fromMs); day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}

// The local calendar as usage profiles and meters see it (the simulators).

/** The local calendar position of an instant, as the usage profiles need it. */
export interface LocalMoment {
  /** Local days since 1970-01-01 (a stable key for per-day randomness). */
  dayNumber: number;
  /** 1-12. */
  month: number;
  /** 1-31. */
  dayOfMonth: number;
  /** Fractional day of year, 0 at local midnight of 1 January. */
  dayOfYear: number;
  /** Fractional hour of the local day, [0, 24). */
  hour: number;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: number;
}

export function localMoment(epochMs: number): LocalMoment {
  const local = epochMs + LOCAL_OFFSET_MS;
  const date = new Date(local);
  const dayNumber = Math.floor(local / DAY_MS);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  return {
    dayNumber,
    month: date.getUTCMonth() + 1,
    dayOfMonth: date.getUTCDate(),
    dayOfYear: (local - yearStart) / DAY_MS,
    hour: (local - dayNumber * DAY_MS) / 3600_000,
    weekday: date.getUTCDay(),
  };
}

/** RFC 3339 with the +08:00 offset, as meters in China send it; milliseconds only when present. */
export function formatLocalTimestamp(epochMs: number): string {
  const iso = new Date(epochMs + LOCAL_OFFSET_MS).toISOString(); // "2026-06-01T00:15:00.000Z"
  const withoutZone = iso.endsWith('.000Z') ? iso.slice(0, -5) : iso.slice(0, -1);
  return `${withoutZone}+08:00`;
}

/** The same wall-clock text without any offset: what a badly configured meter sends. */
export function formatLocalTimestampWithoutOffset(epochMs: number): string {
  return formatLocalTimestamp(epochMs).slice(0, -6);
}
