/** Small builders for the hand-made examples in the tests. */
import { computeDailyAccounts } from '../daily-accounts.ts';
import type { AccountingOptions } from '../options.ts';
import type { AccountReading, DailyAccount, MeterAttributes, MeterHistory, MeterReplacement } from '../types.ts';

/** Epoch ms of a local (Asia/Shanghai) time written 'YYYY-MM-DD HH:MM' or 'YYYY-MM-DD HH:MM:SS'. */
export function local(text: string): number {
  const [day, time = '00:00'] = text.split(' ');
  const ms = Date.parse(`${day ?? ''}T${time.length === 5 ? `${time}:00` : time}+08:00`);
  if (Number.isNaN(ms)) throw new Error(`bad local time ${text}`);
  return ms;
}

export function meter(meterId: string, extra: Partial<MeterAttributes> = {}): MeterAttributes {
  return { meterId, reportingIntervalS: 900, registerMaxM3: null, ...extra };
}

/** A reading at a local time: r('2026-06-01 23:45', 100, { flowM3h: 3 }). */
export function r(time: string, totalM3: number, extra: Partial<AccountReading> = {}): AccountReading {
  return { ts: local(time), totalM3, ...extra };
}

/** All of a meter's readings: a superset of any window, without holes, is valid input. */
export function history(m: MeterAttributes, readings: AccountReading[]): MeterHistory {
  return { meter: m, readings, before: null, after: null };
}

export function accounts(
  fromDay: string,
  toDay: string,
  meters: MeterHistory[],
  replacements: MeterReplacement[] = [],
  options: Partial<AccountingOptions> = {},
): DailyAccount[] {
  return computeDailyAccounts({ fromDay, toDay, meters, replacements }, options);
}

/** The day's account, failing the test if the day is not in the list. */
export function dayOf(list: readonly DailyAccount[], day: string): DailyAccount {
  const found = list.find((a) => a.day === day);
  if (!found) throw new Error(`no account for ${day}`);
  return found;
}
