import { describe, expect, it } from 'vitest';
import { addMonths, daysBetween, daysTouched, localDayStart, periodBounds } from './local-time.ts';

/** An instant given as local wall-clock time, 'YYYY-MM-DD HH:MM'. */
const local = (text: string): number =>
  localDayStart(text.slice(0, 10)) + (Number(text.slice(11, 13)) * 60 + Number(text.slice(14, 16))) * 60_000;

describe('local calendar arithmetic', () => {
  it('adds months with the month-end clamp', () => {
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2025-11-15', 3)).toBe('2026-02-15');
    expect(daysBetween('2026-06-15', '2026-07-30')).toBe(45);
  });

  it('knows years and months', () => {
    expect(periodBounds('2024')).toEqual({ kind: 'year', firstDay: '2024-01-01', lastDay: '2024-12-31' });
    expect(periodBounds('2024-02')).toEqual({ kind: 'month', firstDay: '2024-02-01', lastDay: '2024-02-29' });
    expect(periodBounds('2024-13')).toBeNull();
  });

  it('lists the days an interval touches, a midnight end excluded', () => {
    expect(daysTouched(local('2026-06-14 23:45'), local('2026-06-15 00:00'))).toEqual(['2026-06-14']);
    expect(daysTouched(local('2026-06-14 23:45'), local('2026-06-15 00:15'))).toEqual(['2026-06-14', '2026-06-15']);
  });
});
