/**
 * The local calendar as the usage profiles and meters see it (Asia/Shanghai, the fixed UTC+8 of
 * platform/local-time.ts): where in the year, week and day an instant falls, and timestamps as a
 * meter in China writes them.
 */
import { DAY_MS, LOCAL_OFFSET_MS } from '../../platform/local-time.ts';

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
