/** Daily volume above the daily limit of the permit in force that day, where one is set (item). */
import { localDayEnd, localDayStart } from '../../../platform/local-time.ts';
import { bilingual, m3, roundM3 } from '../format.ts';
import { permitOnDay, permitRef } from '../permits.ts';
import type { FindingDraft, IntakeRule } from '../rule.ts';
import type { RulePermit } from '../types.ts';

interface DayOver {
  day: string;
  volumeM3: number;
  status: string;
  limitM3: number;
}

export const dailyOverLimit: IntakeRule = {
  id: 'daily-over-limit',
  evaluate(ctx) {
    if (ctx.accounts.length === 0) return null;
    const checked = new Map<string, RulePermit>();
    const over = new Map<string, DayOver[]>();
    for (const a of ctx.accounts) {
      const permit = permitOnDay(ctx.input.permits, a.day);
      if (!permit || permit.dailyLimitM3 === null || a.volumeM3 === null) continue;
      checked.set(permit.permitNumber, permit);
      // A partial day's volume is a lower bound: above the limit it is certainly over.
      if (a.volumeM3 > permit.dailyLimitM3) {
        const list = over.get(permit.permitNumber) ?? [];
        list.push({ day: a.day, volumeM3: a.volumeM3, status: a.status, limitM3: permit.dailyLimitM3 });
        over.set(permit.permitNumber, list);
      }
    }
    const findings: FindingDraft[] = [];
    for (const [number, days] of over) {
      const permit = checked.get(number);
      const first = days[0];
      const last = days.at(-1);
      if (!permit || !first || !last) continue;
      const worst = days.reduce((w, d) => (d.volumeM3 - d.limitM3 > w.volumeM3 - w.limitM3 ? d : w), first);
      findings.push({
        subject: number,
        windowStartMs: localDayStart(first.day),
        windowEndMs: localDayEnd(last.day),
        summary: bilingual(
          `许可证 ${number}：${days.length} 天日取水量超过日限额 ${m3(worst.limitM3)} m³，最高 ${worst.day} ${m3(worst.volumeM3)} m³`,
          `Permit ${number}: daily volume above the limit of ${m3(worst.limitM3)} m³ on ${days.length} day(s), highest ${m3(worst.volumeM3)} m³ on ${worst.day}`,
        ),
        evidence: {
          permit: { ...permitRef(permit), dailyLimitM3: worst.limitM3 },
          days: days.map((d) => ({ ...d, excessM3: roundM3(d.volumeM3 - d.limitM3) })),
        },
      });
    }
    return { findings, checked: [...checked.keys()] };
  },
};
