import { describe, expect, it } from 'vitest';
import { AccountingInputError, computeDailyAccounts } from './daily-accounts.ts';
import { accounts, dayOf, history, local, meter, r } from './testing/fixtures.ts';
import type { AccountReading, Anomaly, MeterReplacement } from './types.ts';

/** Readings every `stepMin` minutes from `from` (local) for `count` steps, total rising by `perStep`. */
function series(from: string, count: number, stepMin: number, startTotal: number, perStep: number, extra: Partial<AccountReading> = {}) {
  return Array.from({ length: count }, (_, i) => ({ ts: local(from) + i * stepMin * 60_000, totalM3: startTotal + i * perStep, ...extra }));
}
const kinds = (list: readonly Anomaly[]) => list.map((a) => a.kind);

describe('computeDailyAccounts: volumes and the midnight split', () => {
  it('splits 23:45 -> 00:15 with 10 m³ into 5 and 5', () => {
    const list = accounts('2026-06-01', '2026-06-02', [history(meter('m'), [r('2026-06-01 23:45', 100), r('2026-06-02 00:15', 110)])]);
    expect(list.map((a) => a.volumeM3)).toEqual([5, 5]);
    expect(dayOf(list, '2026-06-01').evidence[0]?.segments).toEqual([
      {
        kind: 'advance',
        from: { ms: local('2026-06-01 23:45'), totalM3: 100, origin: 'reading' },
        to: { ms: local('2026-06-02 00:15'), totalM3: 110, origin: 'reading' },
        intervals: 1,
        volumeM3: 10,
        dayVolumeM3: 5,
      },
    ]);
  });

  it('gives the days inside a long interval their time share, as partial, and conserves the advance', () => {
    // 18:00 on 1 June -> 06:00 on 4 June, 600 m³: 60, 240, 240, 60.
    const list = accounts('2026-06-01', '2026-06-04', [history(meter('m'), [r('2026-06-01 18:00', 1000), r('2026-06-04 06:00', 1600)])]);
    expect(list.map((a) => [a.volumeM3, a.status, a.receivedReports, a.completeness])).toEqual([
      [60, 'partial', 1, 1 / 96],
      [240, 'partial', 0, 0],
      [240, 'partial', 0, 0],
      [60, 'partial', 1, 1 / 96],
    ]);
  });

  it('computes the same day whether alone or in a longer span (context readings given)', () => {
    const readings = [r('2026-06-01 18:00', 1000), r('2026-06-04 06:00', 1600)];
    const whole = accounts('2026-06-01', '2026-06-04', [history(meter('m'), readings)]);
    const alone = computeDailyAccounts({
      fromDay: '2026-06-02',
      toDay: '2026-06-02',
      meters: [{ meter: meter('m'), readings: [], before: readings[0] ?? null, after: readings[1] ?? null }],
      replacements: [],
    });
    expect(alone).toEqual([dayOf(whole, '2026-06-02')]);
  });

  it('merges a day of plain intervals into one compact segment', () => {
    const list = accounts('2026-06-01', '2026-06-01', [history(meter('m'), series('2026-06-01 00:00', 96, 15, 0, 1))]);
    const [day] = list;
    expect(day?.volumeM3).toBe(95);
    expect(day?.status).toBe('partial'); // 23:45 -> 24:00 has no reading after it yet
    expect(day?.coverage).toBeCloseTo(95 / 96, 12);
    expect(day?.evidence[0]?.segments).toHaveLength(1);
    expect(day?.evidence[0]?.segments[0]).toMatchObject({ intervals: 95, volumeM3: 95, dayVolumeM3: 95 });
  });
});

describe('computeDailyAccounts: the worked example of docs/accounting.md', () => {
  it('accounts a rollover across midnight and a two-day gap, conserving the advance', () => {
    const m = meter('W-01', { registerMaxM3: 100_000 });
    const readings = [
      r('2026-06-01 22:00', 99_980),
      r('2026-06-01 23:45', 99_995),
      r('2026-06-02 00:15', 5),
      r('2026-06-02 06:00', 41),
      r('2026-06-04 06:00', 521),
    ];
    const list = accounts('2026-06-01', '2026-06-04', [history(m, readings)]);
    expect(list.map((a) => [a.day, a.volumeM3, a.status, a.receivedReports, a.coverage])).toEqual([
      ['2026-06-01', 20, 'partial', 2, 2 / 24],
      ['2026-06-02', 221, 'measured', 2, 1],
      ['2026-06-03', 240, 'partial', 0, 1],
      ['2026-06-04', 60, 'partial', 1, 6 / 24],
    ]);
    // (100000 − 99980) + 521: the totalizer's advance with the rollover accounted explicitly.
    expect(list.reduce((s, a) => s + (a.volumeM3 ?? 0), 0)).toBe(541);
    expect(dayOf(list, '2026-06-02').evidence[0]?.segments.map((g) => [g.kind, g.volumeM3, g.dayVolumeM3])).toEqual([
      ['rollover', 10, 5],
      ['advance', 36, 36],
      ['advance', 480, 180],
    ]);
  });
});

describe('computeDailyAccounts: zero, missing, partial, measured', () => {
  const m = meter('m');

  it('records a day with readings and no advance as zero, never missing', () => {
    const list = accounts('2026-06-02', '2026-06-02', [history(m, series('2026-06-01 23:45', 98, 15, 42, 0))]);
    expect(list[0]).toMatchObject({ volumeM3: 0, status: 'zero', receivedReports: 96, completeness: 1, coverage: 1 });
  });

  it('records a day inside an interval over which the totalizer stood still as zero', () => {
    const list = accounts('2026-06-01', '2026-06-03', [history(m, [r('2026-06-01 12:00', 42), r('2026-06-03 12:00', 42)])]);
    expect(dayOf(list, '2026-06-02')).toMatchObject({ volumeM3: 0, status: 'zero', receivedReports: 0, completeness: 0 });
  });

  it('records days before the first reading and after the last as missing, volume null', () => {
    const list = accounts('2026-05-31', '2026-06-03', [history(m, [r('2026-06-01 12:00', 42), r('2026-06-02 12:00', 50)])]);
    expect(list.map((a) => [a.day, a.status, a.volumeM3])).toEqual([
      ['2026-05-31', 'missing', null],
      ['2026-06-01', 'partial', 4],
      ['2026-06-02', 'partial', 4],
      ['2026-06-03', 'missing', null],
    ]);
  });

  it('records a fully covered day with readings and an advance as measured', () => {
    const list = accounts('2026-06-02', '2026-06-02', [history(m, series('2026-06-01 23:45', 98, 15, 0, 0.5, { flowM3h: 2 }))]);
    expect(list[0]).toMatchObject({
      volumeM3: 48,
      status: 'measured',
      receivedReports: 96,
      expectedReports: 96,
      completeness: 1,
      peakFlowM3h: 2,
      firstTotalM3: 0.5,
      lastTotalM3: 48,
    });
    expect(list[0]?.anomalies).toEqual([]);
  });
});

describe('computeDailyAccounts: completeness', () => {
  it('counts duplicated readings once and caps at 1', () => {
    const readings = series('2026-06-01 00:00', 48, 30, 0, 1);
    const list = accounts('2026-06-01', '2026-06-01', [history(meter('m'), [...readings, ...readings])]);
    expect(list[0]).toMatchObject({ receivedReports: 48, expectedReports: 96, completeness: 0.5 });
    const often = accounts('2026-06-01', '2026-06-01', [history(meter('m'), series('2026-06-01 00:00', 288, 5, 0, 1))]);
    expect(often[0]).toMatchObject({ receivedReports: 288, completeness: 1 });
  });

  it('expects reports pro rata to the part of the day a meter was in service', () => {
    const list = accounts('2026-06-01', '2026-06-01', [
      history(meter('m', { inServiceFromMs: local('2026-06-01 12:00') }), series('2026-06-01 12:00', 48, 15, 0, 1)),
    ]);
    expect(list[0]).toMatchObject({ expectedReports: 48, receivedReports: 48, completeness: 1 });
  });

  it('does not let a fast meter hide a silent one', () => {
    const list = accounts('2026-06-01', '2026-06-01', [
      history(meter('a'), series('2026-06-01 00:00', 288, 5, 0, 1)),
      history(meter('b'), []),
    ]);
    expect(list[0]).toMatchObject({ receivedReports: 288, expectedReports: 192, completeness: 0.5, status: 'partial' });
  });
});

describe('computeDailyAccounts: rollover, rollback, replacement', () => {
  it('counts a rollover as (max − prev) + new and says so', () => {
    const m = meter('m', { registerMaxM3: 100_000 });
    const list = accounts('2026-06-01', '2026-06-01', [history(m, [r('2026-06-01 10:00', 99_990), r('2026-06-01 10:15', 15)])]);
    expect(list[0]?.volumeM3).toBe(25);
    expect(list[0]?.anomalies).toEqual([
      {
        kind: 'rollover',
        meterId: 'm',
        fromMs: local('2026-06-01 10:00'),
        toMs: local('2026-06-01 10:15'),
        fromTotalM3: 99_990,
        toTotalM3: 15,
        registerMaxM3: 100_000,
        volumeM3: 25,
      },
    ]);
  });

  it('turns a rollback into an anomaly, never negative water, and restarts from the new total', () => {
    const readings = [r('2026-06-01 22:00', 500), r('2026-06-02 02:00', 100), r('2026-06-02 03:00', 130)];
    const list = accounts('2026-06-01', '2026-06-02', [history(meter('m'), readings)]);
    expect(list.map((a) => a.volumeM3)).toEqual([0, 30]);
    for (const a of list) {
      expect(a.volumeM3 ?? 0).toBeGreaterThanOrEqual(0);
      expect(kinds(a.anomalies)).toContain('rollback');
      expect(a.status).toBe('partial'); // the rollback interval's water is unknown, not zero
    }
    expect(list[1]?.anomalies.find((a) => a.kind === 'rollback')).toMatchObject({ fromTotalM3: 500, toTotalM3: 100, dropM3: 400 });
  });

  it('counts (oldFinal − lastOld) + (firstNew − newInitial) across a registered replacement', () => {
    const replacement: MeterReplacement = {
      oldMeterId: 'old',
      newMeterId: 'new',
      replacedAtMs: local('2026-06-01 12:00'),
      oldFinalTotalM3: 1234.5,
      newInitialTotalM3: 0.2,
    };
    const list = accounts(
      '2026-06-01',
      '2026-06-01',
      [
        history(meter('old'), [r('2026-06-01 08:00', 1200), r('2026-06-01 11:45', 1230)]),
        history(meter('new'), [r('2026-06-01 12:30', 2.2), r('2026-06-01 20:00', 12.2)]),
      ],
      [replacement],
    );
    // 30 + (1234.5 − 1230) + (2.2 − 0.2) + 10
    expect(list[0]?.volumeM3).toBe(46.5);
    expect(list[0]?.anomalies).toEqual([
      {
        kind: 'meter-replacement',
        meterId: 'new',
        fromMs: local('2026-06-01 11:45'),
        toMs: local('2026-06-01 12:30'),
        oldMeterId: 'old',
        newMeterId: 'new',
        replacedAtMs: local('2026-06-01 12:00'),
        lastOldTotalM3: 1230,
        oldFinalTotalM3: 1234.5,
        newInitialTotalM3: 0.2,
        firstNewTotalM3: 2.2,
        oldPartM3: 4.5,
        newPartM3: 2,
      },
    ]);
    expect(list[0]?.expectedReports).toBe(96); // 48 for each meter, pro rata
  });
});

describe('computeDailyAccounts: metering anomalies', () => {
  it('flags a stuck register: flow reported for an hour while the total stands', () => {
    const readings = [...series('2026-06-01 08:00', 6, 15, 50, 0, { flowM3h: 12 }), r('2026-06-01 09:30', 53, { flowM3h: 12 })];
    const list = accounts('2026-06-01', '2026-06-01', [history(meter('m'), readings)]);
    const stuck = list[0]?.anomalies.find((a) => a.kind === 'stuck-register');
    expect(stuck).toEqual({
      kind: 'stuck-register',
      meterId: 'm',
      fromMs: local('2026-06-01 08:00'),
      toMs: local('2026-06-01 09:15'),
      totalM3: 50,
      maxFlowM3h: 12,
      readings: 6,
    });
  });

  it('does not flag 45 minutes of standstill, nor a standstill without flow', () => {
    const short = accounts('2026-06-01', '2026-06-01', [history(meter('m'), series('2026-06-01 08:00', 4, 15, 50, 0, { flowM3h: 12 }))]);
    const idle = accounts('2026-06-01', '2026-06-01', [history(meter('m'), series('2026-06-01 08:00', 12, 15, 50, 0, { flowM3h: 0 }))]);
    expect(kinds(short[0]?.anomalies ?? [])).not.toContain('stuck-register');
    expect(kinds(idle[0]?.anomalies ?? [])).not.toContain('stuck-register');
  });

  it('clips a stuck run that crosses midnight to each day, found the same in a one-day span', () => {
    // 23:30 -> 00:30; a small flow, so the flow check (>= 1 m³) stays out of the picture.
    const readings = series('2026-06-01 23:30', 5, 15, 50, 0, { flowM3h: 1 });
    const both = accounts('2026-06-01', '2026-06-02', [history(meter('m'), readings)]);
    expect(both.map((a) => a.anomalies.map((x) => [x.kind, x.fromMs, x.toMs]))).toEqual([
      [['stuck-register', local('2026-06-01 23:30'), local('2026-06-02 00:00')]],
      [['stuck-register', local('2026-06-02 00:00'), local('2026-06-02 00:30')]],
    ]);
    const alone = accounts('2026-06-02', '2026-06-02', [history(meter('m'), readings)]);
    expect(alone).toEqual([both[1]]);
  });

  it('flags a day whose totalizer volume and reported flow disagree by more than 5 %', () => {
    // 10 m³/h reported, but the totalizer advances 2 m³ per quarter hour (8 m³/h): 20 % off.
    const readings = series('2026-06-01 08:00', 9, 15, 0, 2, { flowM3h: 10 });
    const list = accounts('2026-06-01', '2026-06-01', [history(meter('m'), readings)]);
    expect(list[0]?.anomalies).toEqual([
      {
        kind: 'flow-volume-mismatch',
        meterId: 'm',
        fromMs: local('2026-06-01 08:00'),
        toMs: local('2026-06-01 10:00'),
        intervals: 8,
        volumeM3: 16,
        flowVolumeM3: 20,
        deviation: 0.2,
      },
    ]);
    const consistent = accounts('2026-06-01', '2026-06-01', [
      history(meter('m'), series('2026-06-01 08:00', 9, 15, 0, 2, { flowM3h: 8.2 })),
    ]);
    expect(consistent[0]?.anomalies).toEqual([]);
  });

  it('flags a clock ahead of arrival, and a day in which no reading arrived on time', () => {
    const ahead = [
      r('2026-06-01 10:00', 1, { receivedMs: local('2026-06-01 09:50') }),
      r('2026-06-01 10:15', 2, { receivedMs: local('2026-06-01 10:15') }),
    ];
    const a = accounts('2026-06-01', '2026-06-01', [history(meter('m'), ahead)]);
    expect(a[0]?.anomalies).toEqual([
      {
        kind: 'clock-drift',
        direction: 'ahead',
        meterId: 'm',
        fromMs: local('2026-06-01 10:00'),
        toMs: local('2026-06-01 10:00'),
        readings: 1,
        worstTs: local('2026-06-01 10:00'),
        worstReceivedMs: local('2026-06-01 09:50'),
      },
    ]);
    // A late batch with one reading sent live is not drift; all late is.
    const batch = series('2026-06-01 00:00', 8, 15, 0, 1).map((x) => ({ ...x, receivedMs: local('2026-06-01 01:46') }));
    expect(accounts('2026-06-01', '2026-06-01', [history(meter('m'), batch)])[0]?.anomalies).toEqual([]);
    const behind = batch.map((x) => ({ ...x, receivedMs: x.ts + 10 * 60_000 }));
    expect(accounts('2026-06-01', '2026-06-01', [history(meter('m'), behind)])[0]?.anomalies).toMatchObject([
      { kind: 'clock-drift', direction: 'behind', readings: 8, worstReceivedMs: local('2026-06-01 00:10') },
    ]);
  });

  it('tells a backlog forwarded in several messages from a slow clock by what arrived after it', () => {
    // 2 June 00:00-23:59, one reading a minute, forwarded on 4 June 09:00 oldest first in messages
    // of at most 1000 (each 5 ms after the last), then the meter goes on live from 09:00.
    const arrived = local('2026-06-04 09:00');
    const backlog = series('2026-06-02 00:00', 1440, 1, 0, 1).map((x, i) => ({ ...x, receivedMs: arrived + Math.floor(i / 1000) * 5 }));
    const live = series('2026-06-04 09:00', 3, 1, 5000, 1).map((x) => ({ ...x, receivedMs: x.ts + 2_000 }));
    const drift = (readings: AccountReading[], day: string) =>
      accounts(day, day, [history(meter('m', { reportingIntervalS: 60 }), readings)])[0]?.anomalies.filter((a) => a.kind === 'clock-drift');
    expect(drift([...backlog, ...live], '2026-06-02')).toEqual([]);
    // Without the live readings after it, the newest of the backlog is the meter's word on "now": late.
    expect(drift(backlog, '2026-06-02')).toMatchObject([{ direction: 'behind', readings: 1, worstTs: local('2026-06-02 23:59') }]);
    // Live readings 10 minutes behind arrive a minute apart, as they were taken: not a backlog.
    const slow = series('2026-06-02 00:00', 1440, 1, 0, 1).map((x) => ({ ...x, receivedMs: x.ts + 10 * 60_000 }));
    expect(drift(slow, '2026-06-02')).toMatchObject([{ direction: 'behind', readings: 1440 }]);
    // A clock ahead is caught after a backlog too: no delay explains a reading stamped after it arrived.
    const early = live.map((x) => ({ ...x, receivedMs: x.ts - 10 * 60_000 }));
    expect(drift([...backlog, ...early], '2026-06-04')).toMatchObject([{ direction: 'ahead', readings: 3 }]);
  });

  it('holds back the newest reading of a backlog forwarded between two reporting times', () => {
    // Every 15 minutes; the meter comes back at 23:51 with the day kept (its newest reading, 23:45,
    // is 6 minutes old) and goes on live at 00:00, 9 minutes later: sooner than the 15 minutes
    // between their stamps, but not within half of them.
    const drift = (readings: AccountReading[]) =>
      accounts('2026-06-02', '2026-06-02', [history(meter('m'), readings)])[0]?.anomalies.filter((a) => a.kind === 'clock-drift');
    const backlog = series('2026-06-02 00:00', 96, 15, 0, 1).map((x) => ({ ...x, receivedMs: local('2026-06-02 23:51') }));
    const live = series('2026-06-03 00:00', 4, 15, 96, 1).map((x) => ({ ...x, receivedMs: x.ts + 2_000 }));
    expect(drift([...backlog, ...live])).toEqual([]);
    // The same with the clock 10 minutes slow: the first live reading, stamped 23:50, shows it.
    const slow = (x: AccountReading) => ({ ...x, ts: x.ts - 10 * 60_000 });
    expect(drift([...backlog, ...live].map(slow))).toMatchObject([
      { direction: 'behind', readings: 1, worstTs: local('2026-06-02 23:50') },
    ]);
    // Live readings that lag 6 minutes, one after the other, are a slow clock, not a backlog.
    const lagging = series('2026-06-02 00:00', 100, 15, 0, 1).map((x) => ({ ...x, receivedMs: x.ts + 6 * 60_000 }));
    expect(drift(lagging)).toMatchObject([{ direction: 'behind', readings: 96 }]);
    // One live reading delayed 6 minutes on its way, among readings on time, is neither.
    const onTime = series('2026-06-02 00:00', 100, 15, 0, 1).map((x, i) => ({ ...x, receivedMs: x.ts + (i === 95 ? 6 * 60_000 : 2_000) }));
    expect(drift(onTime)).toEqual([]);
  });

  it('records tamper, power-off and reverse-flow flags with the totals of the flagged readings', () => {
    const readings = [
      r('2026-06-01 10:00', 1, { status: { tamper: true, lowBattery: true } }),
      r('2026-06-01 10:15', 2, { status: { tamper: true, powerOff: false } }),
      r('2026-06-01 10:30', 3, { status: { reverseFlow: true } }),
    ];
    const list = accounts('2026-06-01', '2026-06-01', [history(meter('m'), readings)]);
    expect(list[0]?.anomalies.map((a) => (a.kind === 'fault-flag' ? [a.flag, a.readings, a.firstTotalM3, a.lastTotalM3] : a.kind))).toEqual(
      [
        ['tamper', 2, 1, 2],
        ['reverseFlow', 1, 3, 3],
      ],
    );
    const withBattery = accounts('2026-06-01', '2026-06-01', [history(meter('m'), readings)], [], { faultFlags: ['lowBattery'] });
    expect(kinds(withBattery[0]?.anomalies ?? [])).toEqual(['fault-flag']);
  });
});

describe('computeDailyAccounts: input checks', () => {
  it('refuses a meter given twice', () => {
    expect(() => accounts('2026-06-01', '2026-06-01', [history(meter('m'), []), history(meter('m'), [])])).toThrow(AccountingInputError);
  });
});
