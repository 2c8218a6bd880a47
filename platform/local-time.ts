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
