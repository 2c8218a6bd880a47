import { describe, expect, it } from 'vitest';
import { IntakeDaySet } from './intake-day-set.ts';

describe('IntakeDaySet', () => {
  it('holds each (intake, day) pair once', () => {
    const set = new IntakeDaySet();
    set.add('1', '2026-06-01');
    set.add('1', '2026-06-01');
    set.add('1', '2026-06-02');
    set.add('2', '2026-06-01');
    expect(set.size).toBe(3);
    expect([...set]).toEqual([
      { intakeId: '1', day: '2026-06-01' },
      { intakeId: '2', day: '2026-06-01' },
      { intakeId: '1', day: '2026-06-02' },
    ]);
  });
});
