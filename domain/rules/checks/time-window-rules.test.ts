import { describe, expect, it } from 'vitest';
import type { AccountReading } from '../../accounts/index.ts';
import {
  accountsFor,
  evaluate,
  isClear,
  local,
  meter,
  MINUTE,
  normalInput,
  normalReadings,
  onlyFinding,
  permit,
  series,
} from '../testing/fixtures.ts';
import type { IntakeRuleInput } from '../types.ts';

/** The normal day with some readings' flow replaced (by local time). */
function withFlows(flows: Record<string, number>): AccountReading[] {
  const byTs = new Map(Object.entries(flows).map(([t, f]) => [local(t), f]));
  return normalReadings().map((r) => ({ ...r, flowM3h: byTs.get(r.ts) ?? r.flowM3h }));
}

function rateInput(readings: AccountReading[]): IntakeRuleInput {
  return normalInput({ readings: [{ meterId: 'M1', readings }] });
}

describe('rate-excess', () => {
  it('fires when the rate stays above the maximum for exactly 15 minutes', () => {
    const f = onlyFinding(evaluate(rateInput(withFlows({ '2026-06-14 10:00': 320, '2026-06-14 10:15': 350 }))), 'rate-excess');
    expect(f).toMatchObject({
      kind: 'item',
      subject: 'P-001',
      windowStartMs: local('2026-06-14 10:00'),
      windowEndMs: local('2026-06-14 10:15'),
    });
    expect(f.evidence).toMatchObject({
      permit: { permitNumber: 'P-001', maxRateM3h: 300 },
      sustainedMs: 15 * MINUTE,
      runs: [
        {
          from: '2026-06-14 10:00',
          to: '2026-06-14 10:15',
          durationMs: 15 * MINUTE,
          limitM3h: 300,
          peakFlowM3h: 350,
          samples: [
            { ts: local('2026-06-14 10:00'), flowM3h: 320 },
            { ts: local('2026-06-14 10:15'), flowM3h: 350 },
          ],
        },
      ],
    });
  });

  it('stays silent on a single spike, at exactly the maximum, and on a 14-minute run', () => {
    expect(isClear(evaluate(rateInput(withFlows({ '2026-06-14 10:00': 900 }))), 'rate-excess')).toBe(true);
    expect(isClear(evaluate(rateInput(withFlows({ '2026-06-14 10:00': 300, '2026-06-14 10:15': 300 }))), 'rate-excess')).toBe(true);
    const readings = [...normalReadings(), { ts: local('2026-06-14 10:14'), totalM3: 11_049, flowM3h: 400 }];
    const spiky = readings.map((r) => (r.ts === local('2026-06-14 10:00') ? { ...r, flowM3h: 400 } : r));
    expect(isClear(evaluate(rateInput(spiky)), 'rate-excess')).toBe(true);
  });

  it('sums the meters of an intake', () => {
    const half = (r: AccountReading) => ({ ...r, flowM3h: (r.flowM3h ?? 0) * 1.6 });
    const two = normalReadings().map(half);
    const e = evaluate(
      normalInput({
        meters: [meter(), meter({ meterId: 'M2' })],
        readings: [
          { meterId: 'M1', readings: two },
          { meterId: 'M2', readings: two },
        ],
      }),
    );
    const f = onlyFinding(e, 'rate-excess');
    expect(f.evidence.meters).toEqual(['M1', 'M2']);
    expect(f.evidence.runs).toMatchObject([{ peakFlowM3h: 320 }]);
  });

  it('cannot be evaluated without readings', () => {
    const e = evaluate(normalInput({ readings: null }));
    expect(e.clear).not.toContain('rate-excess');
  });
});

describe('outside-hours', () => {
  const daytime = permit({ hoursStart: '06:00', hoursEnd: '18:00' });

  it('fires on water withdrawn outside the permitted hours, with the intervals', () => {
    const f = onlyFinding(evaluate(normalInput({ permits: [daytime] })), 'outside-hours');
    // 00:00-06:00 and 18:00-24:00 at 100 m³/h: 1200 m³.
    expect(f.evidence).toMatchObject({
      outsideM3: 1200,
      permit: { hoursStart: '06:00', hoursEnd: '18:00' },
      minVolumeM3: 1,
      intervalsOmitted: 0,
    });
    expect(f.windowStartMs).toBe(local('2026-06-14 00:00'));
    expect(f.windowEndMs).toBe(local('2026-06-15 00:00'));
    expect((f.evidence.intervals as unknown[])[0]).toEqual({
      meterId: 'M1',
      from: '2026-06-14 00:00',
      to: '2026-06-14 00:15',
      fromMs: local('2026-06-14 00:00'),
      toMs: local('2026-06-14 00:15'),
      fromTotalM3: 10_100,
      toTotalM3: 10_125,
      volumeM3: 25,
      outsideMs: 15 * MINUTE,
      outsideM3: 25,
    });
  });

  it('stays silent when the water is withdrawn inside the hours, including a window across midnight', () => {
    const readings = [
      ...series('2026-06-13 23:00', 31, 15, 0, 0),
      ...series('2026-06-14 06:45', 45, 15, 0, 25),
      ...series('2026-06-14 18:00', 29, 15, 1100, 0),
    ];
    const input = normalInput({
      permits: [daytime],
      readings: [{ meterId: 'M1', readings }],
      accounts: accountsFor('2026-06-14', '2026-06-14', { M1: readings }),
    });
    expect(isClear(evaluate(input), 'outside-hours')).toBe(true);
    expect(isClear(evaluate(normalInput({ permits: [permit({ hoursStart: '00:00', hoursEnd: '00:00' })] })), 'outside-hours')).toBe(true);
  });

  it('reads a window across midnight (22:00-06:00): only the daytime water is outside', () => {
    const f = onlyFinding(evaluate(normalInput({ permits: [permit({ hoursStart: '22:00', hoursEnd: '06:00' })] })), 'outside-hours');
    expect(f.evidence.outsideM3).toBe(1600);
    expect(f.windowStartMs).toBe(local('2026-06-14 06:00'));
    expect(f.windowEndMs).toBe(local('2026-06-14 22:00'));
  });

  it('counts a short interval across the boundary pro rata, and a long one wholly outside in full', () => {
    const readings = [
      { ts: local('2026-06-14 17:50'), totalM3: 100 },
      { ts: local('2026-06-14 18:05'), totalM3: 130 }, // 5 of its 15 min outside: 10 m³
      { ts: local('2026-06-14 19:00'), totalM3: 130 },
      { ts: local('2026-06-14 23:00'), totalM3: 170 }, // 4 h gap, wholly outside: 40
    ];
    const input = normalInput({
      permits: [daytime],
      readings: [{ meterId: 'M1', readings }],
      accounts: accountsFor('2026-06-14', '2026-06-14', { M1: readings }),
    });
    expect(onlyFinding(evaluate(input), 'outside-hours').evidence.outsideM3).toBe(50);
  });

  it('ignores a long interval that straddles the boundary (when the water went is unknown)', () => {
    const readings = [
      { ts: local('2026-06-14 12:00'), totalM3: 100 },
      { ts: local('2026-06-14 20:00'), totalM3: 180 },
    ];
    const input = normalInput({
      permits: [daytime],
      readings: [{ meterId: 'M1', readings }],
      accounts: accountsFor('2026-06-14', '2026-06-14', { M1: readings }),
    });
    expect(isClear(evaluate(input), 'outside-hours')).toBe(true);
  });
});

describe('outside-season', () => {
  it('fires on a day outside the permitted season', () => {
    const f = onlyFinding(evaluate(normalInput({ permits: [permit({ seasonStart: '07-01', seasonEnd: '09-30' })] })), 'outside-season');
    expect(f).toMatchObject({ kind: 'item', subject: 'P-001', windowStartMs: local('2026-06-14 00:00') });
    expect(f.evidence).toMatchObject({
      volumeM3: 2400,
      days: [{ day: '2026-06-14', volumeM3: 2400 }],
      permit: { seasonStart: '07-01', seasonEnd: '09-30' },
    });
  });

  it('stays silent inside the season, on its first and last day, and in a season across the new year', () => {
    expect(isClear(evaluate(normalInput({ permits: [permit({ seasonStart: '06-14', seasonEnd: '06-14' })] })), 'outside-season')).toBe(
      true,
    );
    expect(isClear(evaluate(normalInput({ permits: [permit({ seasonStart: '11-01', seasonEnd: '06-14' })] })), 'outside-season')).toBe(
      true,
    );
    expect(isClear(evaluate(normalInput({ permits: [permit({ seasonStart: '11-01', seasonEnd: '06-13' })] })), 'outside-season')).toBe(
      false,
    );
  });
});
