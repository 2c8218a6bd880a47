/**
 * Withdrawal outside the permitted season (item): a day outside the permit's season start..end
 * (MM-DD, inclusive, may wrap the new year) whose volume reaches outsideWindowMinM3.
 */
import { localDayEnd, localDayStart } from '../../../platform/local-time.ts';
import { inSeason } from '../time-windows.ts';
import { bilingual, m3, roundM3 } from '../format.ts';
import { permitOnDay, permitRef } from '../permits.ts';
import type { FindingDraft, IntakeRule } from '../rule.ts';
import type { RulePermit } from '../types.ts';

export const outsideSeason: IntakeRule = {
  id: 'outside-season',
  evaluate(ctx) {
    if (ctx.accounts.length === 0) return null;
    const minM3 = ctx.options.outsideWindowMinM3;
    const checked = new Map<string, RulePermit>();
    const days = new Map<string, { day: string; volumeM3: number; status: string }[]>();
    for (const a of ctx.accounts) {
      const p = permitOnDay(ctx.input.permits, a.day);
      if (!p || p.seasonStart === null || p.seasonEnd === null || a.volumeM3 === null) continue;
      checked.set(p.permitNumber, p);
      if (inSeason(a.day, p.seasonStart, p.seasonEnd) || a.volumeM3 < minM3 || a.volumeM3 === 0) continue;
      const list = days.get(p.permitNumber) ?? [];
      list.push({ day: a.day, volumeM3: a.volumeM3, status: a.status });
      days.set(p.permitNumber, list);
    }
    const findings: FindingDraft[] = [];
    for (const [number, list] of days) {
      const p = checked.get(number);
      const first = list[0];
      const last = list.at(-1);
      if (!p || !first || !last) continue;
      const total = roundM3(list.reduce((s, d) => s + d.volumeM3, 0));
      const season = `${p.seasonStart ?? ''}..${p.seasonEnd ?? ''}`;
      findings.push({
        subject: number,
        windowStartMs: localDayStart(first.day),
        windowEndMs: localDayEnd(last.day),
        summary: bilingual(
          `许可证 ${number} 许可取水期为 ${season}，${first.day} 至 ${last.day} 期外 ${list.length} 天取水 ${m3(total)} m³`,
          `Permit ${number} allows withdrawal ${season}; ${m3(total)} m³ withdrawn on ${list.length} day(s) outside it from ${first.day} to ${last.day}`,
        ),
        evidence: {
          permit: { ...permitRef(p), seasonStart: p.seasonStart, seasonEnd: p.seasonEnd },
          volumeM3: total,
          days: list,
          minVolumeM3: minM3,
        },
      });
    }
    return { findings, checked: [...checked.keys()] };
  },
};
