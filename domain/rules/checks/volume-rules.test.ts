import { describe, expect, it } from 'vitest';
import { evaluate, findingsOf, isClear, local, normalInput, onlyFinding, period, permit } from '../testing/fixtures.ts';

/** The normal input with the year and month aggregates replaced. */
function withPeriods(...periods: ReturnType<typeof period>[]) {
  return normalInput({ periods });
}

describe('annual-over-permit and annual-early-warning', () => {
  it('raises an item above the annual volume, with the figures, and no warning', () => {
    const e = evaluate(withPeriods(period('2026', '2026-06-15', 1_000_250)));
    const f = onlyFinding(e, 'annual-over-permit');
    expect(f).toMatchObject({
      kind: 'item',
      subject: 'P-001@2026',
      windowStartMs: local('2026-01-01 00:00'),
      windowEndMs: local('2026-06-15 12:00'),
    });
    expect(f.evidence).toMatchObject({
      period: '2026',
      volumeM3: 1_000_250,
      limitM3: 1_000_000,
      excessM3: 250,
      share: 1.0003,
      permit: { permitNumber: 'P-001' },
    });
    expect(findingsOf(e, 'annual-early-warning')).toEqual([]);
  });

  it('at exactly 100 % is not over, but warns at 90 %', () => {
    const e = evaluate(withPeriods(period('2026', '2026-06-15', 1_000_000)));
    expect(isClear(e, 'annual-over-permit')).toBe(true);
    expect(onlyFinding(e, 'annual-early-warning').evidence.level).toBe('90.0 %');
  });

  it('warns at exactly 80 % as a notice, and not just below when the projection stays under', () => {
    // Year to date at 31 Jan 24:00: 31 days elapsed, projection = volume × 365 / 31.
    const now = local('2026-02-01 00:00');
    const at80 = onlyFinding(evaluate(withPeriods(period('2026', '2026-01-31', 800_000)), now), 'annual-early-warning');
    expect(at80).toMatchObject({ kind: 'notice', subject: 'P-001@2026' });
    expect(at80.evidence).toMatchObject({ level: '80.0 %', share: 0.8, elapsedDays: 31, periodDays: 365 });
    const later = local('2026-12-20 00:00');
    expect(isClear(evaluate(withPeriods(period('2026', '2026-12-19', 799_999)), later), 'annual-early-warning')).toBe(true);
  });

  it('warns when projected to exceed, once enough of the year has passed', () => {
    // 30 days elapsed (the minimum): 100 000 × 365 / 30 = 1 216 667 > 1 000 000.
    const f = onlyFinding(evaluate(withPeriods(period('2026', '2026-01-30', 100_000)), local('2026-01-31 00:00')), 'annual-early-warning');
    expect(f.evidence).toMatchObject({ level: 'projected', projectedOver: true, projectedM3: 1_216_666.667 });
    // 29 days: too early to project.
    expect(isClear(evaluate(withPeriods(period('2026', '2026-01-29', 100_000)), local('2026-01-30 00:00')), 'annual-early-warning')).toBe(
      true,
    );
  });
});

describe('monthly-over-plan and monthly-early-warning', () => {
  it('raises an item for a month above its plan', () => {
    const f = onlyFinding(evaluate(withPeriods(period('2026-05', '2026-05-31', 100_001))), 'monthly-over-plan');
    expect(f.subject).toBe('P-001@2026-05');
    expect(f.evidence).toMatchObject({ limitM3: 100_000, volumeM3: 100_001, excessM3: 1 });
  });

  it('treats any withdrawal in a month planned at 0 as over, without a warning', () => {
    const plan = Array.from({ length: 12 }, (_, i) => (i === 5 ? 0 : 100_000));
    const e = evaluate(normalInput({ permits: [permit({ monthlyPlanM3: plan })], periods: [period('2026-06', '2026-06-15', 5)] }));
    expect(onlyFinding(e, 'monthly-over-plan').evidence).toMatchObject({ limitM3: 0, share: null });
    expect(findingsOf(e, 'monthly-early-warning')).toEqual([]);
  });

  it('warns at 90 % of the month plan', () => {
    expect(onlyFinding(evaluate(withPeriods(period('2026-05', '2026-05-31', 90_000))), 'monthly-early-warning').evidence.level).toBe(
      '90.0 %',
    );
  });

  it('checks nothing for a permit without a monthly plan', () => {
    const e = evaluate(normalInput({ permits: [permit({ monthlyPlanM3: null })], periods: [period('2026-06', '2026-06-15', 500_000)] }));
    expect(isClear(e, 'monthly-over-plan')).toBe(true);
    expect(e.clearSubjects.filter((c) => c.rule === 'monthly-over-plan')).toEqual([]);
  });
});

describe('daily-over-limit', () => {
  it('fires on a day above the daily limit, with the day and the limit', () => {
    const f = onlyFinding(evaluate(normalInput({ permits: [permit({ dailyLimitM3: 2000 })] })), 'daily-over-limit');
    expect(f).toMatchObject({
      kind: 'item',
      subject: 'P-001',
      windowStartMs: local('2026-06-14 00:00'),
      windowEndMs: local('2026-06-15 00:00'),
    });
    expect(f.evidence).toMatchObject({
      permit: { dailyLimitM3: 2000 },
      days: [{ day: '2026-06-14', volumeM3: 2400, limitM3: 2000, excessM3: 400 }],
    });
  });

  it('stays silent at exactly the limit and when no limit is set', () => {
    expect(isClear(evaluate(normalInput({ permits: [permit({ dailyLimitM3: 2400 })] })), 'daily-over-limit')).toBe(true);
    expect(isClear(evaluate(normalInput({ permits: [permit({ dailyLimitM3: null })] })), 'daily-over-limit')).toBe(true);
  });
});
