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
    expect(set.notIn(new IntakeDaySet())).toEqual([
      { intakeId: '1', day: '2026-06-01' },
      { intakeId: '2', day: '2026-06-01' },
      { intakeId: '1', day: '2026-06-02' },
    ]);
  });

  it('lists the pairs another set does not have', () => {
    const touched = new IntakeDaySet();
    const added = new IntakeDaySet();
    for (const [intake, day] of [['1', 'd1'], ['2', 'd1'], ['1', 'd2']] as const) touched.add(intake, day);
    added.add('1', 'd1');
    added.add('1', 'd3');
    expect(touched.notIn(added)).toEqual([
      { intakeId: '2', day: 'd1' },
      { intakeId: '1', day: 'd2' },
    ]);
    expect(touched.notIn(touched)).toEqual([]);
  });
});
