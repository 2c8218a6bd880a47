/** Figures in summaries: fixed, locale-free formatting so the same input gives the same text. */
import { LOCAL_OFFSET_MS } from '../../platform/local-time.ts';

/** At most 3 decimals, no trailing zeros: 1234.5 */
export function m3(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/** A share as a percentage with one decimal: 0.8123 -> "81.2 %". */
export function pct(share: number): string {
  return `${(Math.round(share * 1000) / 10).toFixed(1)} %`;
}

/** Local time, 'YYYY-MM-DD HH:MM'. */
export function localTime(ms: number): string {
  return new Date(ms + LOCAL_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** '2 h 05 min', '15 min', '3 d 4 h'. */
export function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${String(mins).padStart(2, '0')} min`;
  return `${mins} min`;
}

/** Chinese first, then English (docs/rules.md, "Summaries"). */
export function bilingual(zh: string, en: string): string {
  return `${zh} / ${en}`;
}

/** Rounds a volume for evidence so it matches the accounts' resolution (litres). */
export function roundM3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
