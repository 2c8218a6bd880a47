import { describe, expect, it } from 'vitest';
import { evaluate, findingsOf, intake, isClear, local, normalInput, NOW, onlyFinding, period, permit } from '../testing/fixtures.ts';

describe('unpermitted-withdrawal', () => {
  it('fires on withdrawal after the permit expired, naming the permit and the days', () => {
    const f = onlyFinding(evaluate(normalInput({ permits: [permit({ validTo: '2026-06-13' })] })), 'unpermitted-withdrawal');
    expect(f).toMatchObject({
      kind: 'item',
      intakeId: '7',
      countyCode: '220102',
      subject: 'QK001',
      windowStartMs: local('2026-06-14 00:00'),
      windowEndMs: local('2026-06-15 00:00'),
    });
    expect(f.evidence).toMatchObject({
      volumeM3: 2400,
      days: [
        {
          day: '2026-06-14',
          volumeM3: 2400,
          status: 'measured',
          reason: 'expired',
          permit: { permitNumber: 'P-001', validTo: '2026-06-13' },
        },
      ],
    });
    expect(f.summary).toContain('2400 m³');
  });

  it('names a revoked or suspended permit, and fires with no permit at all', () => {
    const revoked = onlyFinding(evaluate(normalInput({ permits: [permit({ status: 'revoked' })] })), 'unpermitted-withdrawal');
    expect(revoked.evidence.days).toMatchObject([{ reason: 'revoked' }]);
    const none = onlyFinding(evaluate(normalInput({ permits: [] })), 'unpermitted-withdrawal');
    expect(none.evidence.days).toMatchObject([{ reason: 'none', permit: null }]);
  });

  it('stays silent on the permit’s last valid day and on a day without withdrawal', () => {
    expect(isClear(evaluate(normalInput({ permits: [permit({ validTo: '2026-06-14' })] })), 'unpermitted-withdrawal')).toBe(true);
    const idle = normalInput({ permits: [] });
    idle.accounts = idle.accounts.map((a) => ({ ...a, volumeM3: 0, status: 'zero' }));
    expect(isClear(evaluate(idle), 'unpermitted-withdrawal')).toBe(true);
  });

  it('stays silent for an exempt intake with no permit', () => {
    const e = evaluate(normalInput({ intake: intake({ permitExempt: true }), permits: [] }));
    expect(findingsOf(e, 'unpermitted-withdrawal')).toEqual([]);
    expect(e.clearSubjects).toContainEqual({ rule: 'unpermitted-withdrawal', subject: 'QK001' });
  });

  it('exempts a bundled small-irrigation intake up to exactly 1000 m³ a year, not beyond', () => {
    const bundled = (yearM3: number) =>
      normalInput({
        intake: intake({ bundledSmallIrrigation: true, waterUse: 'agricultural' }),
        permits: [],
        periods: [period('2026', '2026-06-15', yearM3)],
      });
    expect(isClear(evaluate(bundled(1000)), 'unpermitted-withdrawal')).toBe(true);
    const f = onlyFinding(evaluate(bundled(1000.5)), 'unpermitted-withdrawal');
    expect(f.evidence.bundle).toEqual({ year: '2026', throughDay: '2026-06-15', yearVolumeM3: 1000.5, bundleMaxAnnualM3: 1000 });
  });

  it('cannot judge a bundled intake without its year volume', () => {
    const e = evaluate(
      normalInput({ intake: intake({ bundledSmallIrrigation: true, waterUse: 'agricultural' }), permits: [], periods: [] }),
    );
    expect(e.clear).not.toContain('unpermitted-withdrawal');
    expect(findingsOf(e, 'unpermitted-withdrawal')).toEqual([]);
  });
});

describe('permit-renewal-due', () => {
  // Today is 2026-06-15: 45 days later is 2026-07-30.
  it('fires as a notice when the permit expires in exactly 45 days', () => {
    const f = onlyFinding(evaluate(normalInput({ permits: [permit({ validTo: '2026-07-30' })] })), 'permit-renewal-due');
    expect(f).toMatchObject({ kind: 'notice', subject: 'P-001', windowStartMs: NOW, windowEndMs: local('2026-07-31 00:00') });
    expect(f.evidence).toMatchObject({
      daysLeft: 45,
      renewalNoticeDays: 45,
      today: '2026-06-15',
      permit: { permitNumber: 'P-001', validTo: '2026-07-30' },
    });
  });

  it('stays silent 46 days ahead, and when a renewal is recorded', () => {
    expect(isClear(evaluate(normalInput({ permits: [permit({ validTo: '2026-07-31' })] })), 'permit-renewal-due')).toBe(true);
    const renewed = [
      permit({ validTo: '2026-07-01' }),
      permit({ id: '12', permitNumber: 'P-002', validFrom: '2026-07-02', validTo: '2031-07-01' }),
    ];
    expect(isClear(evaluate(normalInput({ permits: renewed })), 'permit-renewal-due')).toBe(true);
  });

  it('follows the configured notice period', () => {
    const e = evaluate(normalInput({ permits: [permit({ validTo: '2026-08-14' })] }), NOW, { renewalNoticeDays: 60 });
    expect(onlyFinding(e, 'permit-renewal-due').evidence.daysLeft).toBe(60);
  });
});
