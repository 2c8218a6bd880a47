import { describe, expect, it } from 'vitest';
import {
  DAY,
  evaluate,
  findingsOf,
  intake,
  isClear,
  local,
  meter,
  MINUTE,
  normalInput,
  NOW,
  onlyFinding,
  period,
  permit,
} from '../testing/fixtures.ts';

describe('online-metering-missing', () => {
  const manualOnly = [meter({ readingMode: 'manual' })];

  it('fires for surface water permitted exactly 500 000 m³ with only a manual meter', () => {
    const f = onlyFinding(
      evaluate(normalInput({ permits: [permit({ annualVolumeM3: 500_000 })], meters: manualOnly })),
      'online-metering-missing',
    );
    expect(f).toMatchObject({ kind: 'item', subject: 'QK001' });
    expect(f.evidence).toMatchObject({
      sourceType: 'river',
      thresholdM3: 500_000,
      permit: { annualVolumeM3: 500_000 },
      activeMeters: [{ meterId: 'M1', readingMode: 'manual' }],
    });
  });

  it('stays silent below the threshold, and with an online meter', () => {
    expect(
      isClear(evaluate(normalInput({ permits: [permit({ annualVolumeM3: 499_999 })], meters: manualOnly })), 'online-metering-missing'),
    ).toBe(true);
    expect(isClear(evaluate(normalInput()), 'online-metering-missing')).toBe(true);
  });

  it('uses 50 000 m³ for groundwater', () => {
    const groundwater = (annualVolumeM3: number) =>
      normalInput({ intake: intake({ sourceType: 'groundwater' }), permits: [permit({ annualVolumeM3 })], meters: manualOnly });
    expect(onlyFinding(evaluate(groundwater(50_000)), 'online-metering-missing').evidence.thresholdM3).toBe(50_000);
    expect(isClear(evaluate(groundwater(49_999)), 'online-metering-missing')).toBe(true);
  });
});

describe('meter-offline and meter-silent', () => {
  const lastAt = (ms: number) => normalInput({ meters: [meter({ lastReadingMs: ms })] });

  it('gives an offline notice at exactly 3 reporting intervals', () => {
    const e = evaluate(lastAt(NOW - 45 * MINUTE));
    const f = onlyFinding(e, 'meter-offline');
    expect(f).toMatchObject({ kind: 'notice', subject: 'M1', windowStartMs: NOW - 45 * MINUTE, windowEndMs: NOW });
    expect(f.evidence).toMatchObject({
      silentMs: 45 * MINUTE,
      offlineAfterMs: 45 * MINUTE,
      lastReading: '2026-06-15 11:15',
      connection: { state: 'online' },
    });
    expect(isClear(e, 'meter-silent')).toBe(true);
    expect(isClear(evaluate(lastAt(NOW - 44 * MINUTE)), 'meter-offline')).toBe(true);
  });

  it('raises a silent item at 3 days, and no offline notice then', () => {
    const e = evaluate(lastAt(NOW - 3 * DAY));
    expect(onlyFinding(e, 'meter-silent')).toMatchObject({ kind: 'item', subject: 'M1' });
    expect(isClear(e, 'meter-offline')).toBe(true);
    expect(findingsOf(evaluate(lastAt(NOW - 3 * DAY + 1)), 'meter-silent')).toEqual([]);
  });

  it('counts a meter that never reported from its installation day, and keeps meters apart', () => {
    const e = evaluate(normalInput({ meters: [meter(), meter({ meterId: 'M2', lastReadingMs: null, installedOn: '2026-06-10' })] }));
    const f = onlyFinding(e, 'meter-silent');
    expect(f.subject).toBe('M2');
    expect(f.windowStartMs).toBe(local('2026-06-10 00:00'));
    expect(e.clearSubjects).toContainEqual({ rule: 'meter-silent', subject: 'M1' });
  });

  it('ignores manual meters and the meters of a suspended intake', () => {
    expect(isClear(evaluate(normalInput({ meters: [meter({ readingMode: 'manual', lastReadingMs: null })] })), 'meter-silent')).toBe(true);
    const e = evaluate(normalInput({ intake: intake({ status: 'suspended' }), meters: [meter({ lastReadingMs: NOW - 10 * DAY })] }));
    expect(e.clear).not.toContain('meter-silent');
    expect(findingsOf(e, 'meter-silent')).toEqual([]);
  });
});

describe('daily-completeness and monthly-completeness', () => {
  /** The normal day's account with `received` of 96 reports. */
  function withReceived(received: number) {
    const input = normalInput();
    input.accounts = input.accounts.map((a) => ({ ...a, receivedReports: received, completeness: received / 96 }));
    return input;
  }

  it('warns (notice) on a day below 95 %, but not at 95 % exactly', () => {
    const f = onlyFinding(evaluate(withReceived(91)), 'daily-completeness');
    expect(f).toMatchObject({ kind: 'notice', subject: 'QK001', windowStartMs: local('2026-06-14 00:00') });
    expect(f.evidence).toMatchObject({ minCompleteness: 0.95, days: [{ day: '2026-06-14', expectedReports: 96, receivedReports: 91 }] });
    expect(isClear(evaluate(withReceived(91.2)), 'daily-completeness')).toBe(true);
  });

  it('does not judge a day that has not ended', () => {
    const e = evaluate(withReceived(10), local('2026-06-14 23:59'));
    expect(e.clear).not.toContain('daily-completeness');
    expect(findingsOf(e, 'daily-completeness')).toEqual([]);
  });

  it('raises an item for an ended month below 90 %, not at 90 %, and not for a running month', () => {
    const month = (complete: number, throughDay = '2026-05-31') =>
      normalInput({ periods: [period('2026-05', throughDay, 1000, { expectedReports: 1000, completeReports: complete })] });
    const f = onlyFinding(evaluate(month(899)), 'monthly-completeness');
    expect(f).toMatchObject({
      kind: 'item',
      subject: 'QK001@2026-05',
      windowStartMs: local('2026-05-01 00:00'),
      windowEndMs: local('2026-06-01 00:00'),
    });
    expect(f.evidence).toMatchObject({ completeness: 0.899, minCompleteness: 0.9, expectedReports: 1000, completeReports: 899 });
    expect(isClear(evaluate(month(900)), 'monthly-completeness')).toBe(true);
    expect(evaluate(month(10, '2026-05-30')).clear).not.toContain('monthly-completeness');
  });
});

describe('calibration-overdue, meter-replacement-due and accuracy-class', () => {
  it('raises calibration overdue the day after the 2-year due date, from installation if never calibrated', () => {
    const due = (lastCalibratedOn: string | null) => normalInput({ meters: [meter({ lastCalibratedOn, installedOn: '2024-06-14' })] });
    expect(isClear(evaluate(due('2024-06-15')), 'calibration-overdue')).toBe(true); // due 2026-06-15 = today
    const f = onlyFinding(evaluate(due('2024-06-14')), 'calibration-overdue');
    expect(f).toMatchObject({ kind: 'item', subject: 'M1', windowStartMs: local('2026-06-15 00:00') });
    expect(f.evidence).toMatchObject({ dueOn: '2026-06-14', overdueDays: 1, intervalMonths: 24, diameterMm: 200 });
    expect(onlyFinding(evaluate(due(null)), 'calibration-overdue').evidence).toMatchObject({ lastCalibratedOn: null, dueOn: '2026-06-14' });
  });

  it('uses the interval recorded on the meter', () => {
    const e = evaluate(normalInput({ meters: [meter({ lastCalibratedOn: '2025-06-14', calibrationIntervalMonths: 12 })] }));
    expect(onlyFinding(e, 'calibration-overdue').evidence).toMatchObject({
      intervalMonths: 12,
      basis: 'calibration interval recorded on the meter',
    });
  });

  it('replaces small meters: DN 25 after 6 years, DN 50 after 4 years', () => {
    const small = (diameterMm: number, installedOn: string) =>
      evaluate(
        normalInput({ meters: [meter({ meterType: 'mechanical', accuracyClass: 2, diameterMm, installedOn, lastCalibratedOn: null })] }),
      );
    expect(isClear(small(25, '2020-06-15'), 'meter-replacement-due')).toBe(true);
    expect(onlyFinding(small(25, '2020-06-14'), 'meter-replacement-due').evidence).toMatchObject({
      serviceYears: 6,
      dueOn: '2026-06-14',
      overdueDays: 1,
    });
    expect(onlyFinding(small(50, '2022-06-14'), 'meter-replacement-due').evidence).toMatchObject({ serviceYears: 4, dueOn: '2026-06-14' });
    expect(isClear(small(50, '2022-06-14'), 'calibration-overdue')).toBe(true);
  });

  it('cannot size a meter without a diameter', () => {
    const e = evaluate(normalInput({ meters: [meter({ diameterMm: null })] }));
    expect(e.clear).not.toContain('calibration-overdue');
    expect(e.clear).not.toContain('meter-replacement-due');
  });

  it('flags an accuracy class worse than the table, not an equal or unknown one', () => {
    const f = onlyFinding(
      evaluate(normalInput({ meters: [meter({ meterType: 'mechanical', accuracyClass: 2.5, diameterMm: 100 })] })),
      'accuracy-class',
    );
    expect(f.evidence).toMatchObject({ accuracyClass: 2.5, requiredClass: 2, meterType: 'mechanical' });
    expect(isClear(evaluate(normalInput({ meters: [meter({ accuracyClass: 2.5 })] })), 'accuracy-class')).toBe(true);
    expect(evaluate(normalInput({ meters: [meter({ accuracyClass: null })] })).clear).not.toContain('accuracy-class');
    const stricter = evaluate(normalInput({ meters: [meter({ accuracyClass: 2.5 })] }), NOW, {
      accuracyClassRequired: { electromagnetic: 1 },
    });
    expect(onlyFinding(stricter, 'accuracy-class').evidence.requiredClass).toBe(1);
  });
});

describe('meters out of service', () => {
  it('clears the meter rules’ items of a replaced or retired meter, which they no longer judge', () => {
    const e = evaluate(
      normalInput({ meters: [meter(), meter({ meterId: 'M0', status: 'replaced' }), meter({ meterId: 'MX', status: 'retired' })] }),
    );
    for (const rule of ['meter-offline', 'meter-silent', 'calibration-overdue', 'meter-replacement-due', 'accuracy-class'] as const) {
      expect(e.clearSubjects).toContainEqual({ rule, subject: 'M0' });
      expect(e.clearSubjects).toContainEqual({ rule, subject: 'MX' });
      expect(findingsOf(e, rule).map((f) => f.subject)).not.toContain('M0');
    }
  });
});
