import { describe, expect, it } from 'vitest';
import { local } from './testing/fixtures.ts';
import { inSeason, permittedHours } from './time-windows.ts';

describe('permit time windows', () => {
  it('handles seasons and hours that wrap', () => {
    expect(inSeason('2026-01-10', '11-01', '03-31')).toBe(true);
    expect(inSeason('2026-06-10', '11-01', '03-31')).toBe(false);
    expect(permittedHours('2026-06-14', '22:00', '06:00')).toEqual([
      [local('2026-06-14 00:00'), local('2026-06-14 06:00')],
      [local('2026-06-14 22:00'), local('2026-06-15 00:00')],
    ]);
    expect(permittedHours('2026-06-14', '06:00', '18:30')).toEqual([[local('2026-06-14 06:00'), local('2026-06-14 18:30')]]);
  });
});
