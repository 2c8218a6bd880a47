import { describe, expect, it } from 'vitest';
import { addMonths, daysBetween, daysTouched, inSeason, periodBounds, permittedHours } from './calendar.ts';
import { local } from '../domain/rules/testing/fixtures.ts';

describe('calendar helpers', () => {
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

  it('handles seasons and hours that wrap', () => {
    expect(inSeason('2026-01-10', '11-01', '03-31')).toBe(true);
    expect(inSeason('2026-06-10', '11-01', '03-31')).toBe(false);
    expect(permittedHours('2026-06-14', '22:00', '06:00')).toEqual([
      [local('2026-06-14 00:00'), local('2026-06-14 06:00')],
      [local('2026-06-14 22:00'), local('2026-06-15 00:00')],
    ]);
    expect(permittedHours('2026-06-14', '06:00', '18:30')).toEqual([[local('2026-06-14 06:00'), local('2026-06-14 18:30')]]);
  });

  it('lists the days an interval touches, a midnight end excluded', () => {
    expect(daysTouched(local('2026-06-14 23:45'), local('2026-06-15 00:00'))).toEqual(['2026-06-14']);
    expect(daysTouched(local('2026-06-14 23:45'), local('2026-06-15 00:15'))).toEqual(['2026-06-14', '2026-06-15']);
  });
});
