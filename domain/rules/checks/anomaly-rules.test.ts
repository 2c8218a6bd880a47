import { describe, expect, it } from 'vitest';
import type { AccountReading, MeterAttributes } from '../../accounts/index.ts';
import {
  accountsFor,
  evaluate,
  findingsOf,
  isClear,
  local,
  meter,
  MINUTE,
  normalInput,
  normalReadings,
  onlyFinding,
} from '../testing/fixtures.ts';
import type { IntakeRuleInput } from '../types.ts';

/** The normal intake with the day recomputed from changed readings. */
function withReadings(change: (r: AccountReading) => AccountReading, attrs: Partial<MeterAttributes> = {}): IntakeRuleInput {
  const readings = normalReadings().map(change);
  return normalInput({
    accounts: accountsFor('2026-06-14', '2026-06-14', { M1: readings }, [{ meterId: 'M1', ...attrs }]),
    readings: [{ meterId: 'M1', readings }],
  });
}

const after = (time: string, r: AccountReading) => r.ts >= local(time);

describe('metering anomalies from the accounts', () => {
  it('totalizer-rollback: an unexplained drop is an item with the totals', () => {
    const e = evaluate(withReadings((r) => (after('2026-06-14 12:00', r) ? { ...r, totalM3: r.totalM3 - 5000 } : r)));
    const f = onlyFinding(e, 'totalizer-rollback');
    expect(f).toMatchObject({
      kind: 'item',
      subject: 'M1',
      windowStartMs: local('2026-06-14 11:45'),
      windowEndMs: local('2026-06-14 12:00'),
    });
    expect(f.evidence).toMatchObject({
      meterId: 'M1',
      anomalies: [{ kind: 'rollback', fromTotalM3: 11_275, toTotalM3: 6300, dropM3: 4975, days: ['2026-06-14'] }],
    });
    expect(f.summary).toContain('11275');
  });

  it('totalizer-rollover: a wrap at the register maximum is a notice', () => {
    const e = evaluate(withReadings((r) => ({ ...r, totalM3: (r.totalM3 + 89_000) % 100_000 }), { registerMaxM3: 100_000 }));
    const f = onlyFinding(e, 'totalizer-rollover');
    expect(f).toMatchObject({ kind: 'notice', subject: 'M1' });
    expect(f.evidence).toMatchObject({
      anomalies: [{ kind: 'rollover', fromTotalM3: 99_975, toTotalM3: 0, registerMaxM3: 100_000, volumeM3: 25 }],
    });
    expect(isClear(e, 'totalizer-rollback')).toBe(true);
  });

  it('stuck-register: flow with a still totalizer for an hour or more', () => {
    const frozen = local('2026-06-14 10:00');
    const e = evaluate(
      withReadings((r) => (r.ts >= frozen && r.ts <= local('2026-06-14 11:15') ? { ...r, totalM3: 10_100 + 40 * 25 } : r)),
    );
    const f = onlyFinding(e, 'stuck-register');
    expect(f.windowEndMs - f.windowStartMs).toBe(75 * MINUTE);
    expect(f.evidence).toMatchObject({
      thresholds: { stuckRegisterMinMs: 3_600_000 },
      anomalies: [{ kind: 'stuck-register', totalM3: 11_100, maxFlowM3h: 100 }],
    });
  });

  it('flow-volume-mismatch: reported flow 50 % above what the totalizer shows', () => {
    const f = onlyFinding(evaluate(withReadings((r) => ({ ...r, flowM3h: 150 }))), 'flow-volume-mismatch');
    expect(f.evidence).toMatchObject({
      thresholds: { flowMismatchFraction: 0.05 },
      anomalies: [{ kind: 'flow-volume-mismatch', days: ['2026-06-14'] }],
    });
  });

  it('clock-drift: readings stamped ten minutes after they arrived', () => {
    const e = evaluate(withReadings((r) => (after('2026-06-14 08:00', r) ? { ...r, receivedMs: r.ts - 10 * MINUTE } : r)));
    const f = onlyFinding(e, 'clock-drift');
    expect(f.evidence).toMatchObject({
      thresholds: { clockDriftMaxMs: 300_000 },
      anomalies: [{ direction: 'ahead', worstReceivedMs: local('2026-06-14 08:00') - 10 * MINUTE }],
    });
    expect(f.summary).toContain('10 min');
  });

  it('meter-fault-flag: tamper flags, one finding per meter', () => {
    const e = evaluate(withReadings((r) => (after('2026-06-14 20:00', r) ? { ...r, status: { tamper: true } } : r)));
    const f = onlyFinding(e, 'meter-fault-flag');
    expect(f.evidence).toMatchObject({ anomalies: [{ kind: 'fault-flag', flag: 'tamper', readings: 16 }] });
  });

  it('keeps two meters apart by subject', () => {
    const bad = normalReadings().map((r) => ({ ...r, status: { powerOff: true } }));
    const input = normalInput({
      meters: [meter(), meter({ meterId: 'M2' })],
      accounts: accountsFor('2026-06-14', '2026-06-14', { M1: normalReadings(), M2: bad }),
      readings: null,
    });
    const e = evaluate(input);
    expect(findingsOf(e, 'meter-fault-flag').map((f) => f.subject)).toEqual(['M2']);
    expect(e.clearSubjects).toContainEqual({ rule: 'meter-fault-flag', subject: 'M1' });
  });
});
