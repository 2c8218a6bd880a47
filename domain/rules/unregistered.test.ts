import { describe, expect, it } from 'vitest';
import { resolveRuleOptions } from './options.ts';
import { local } from './testing/fixtures.ts';
import { evaluateUnregisteredMeter } from './unregistered.ts';

const seen = { meterId: '220102001', firstSeenMs: local('2026-06-14 08:00'), lastSeenMs: local('2026-06-15 08:00'), readings: 97 };

describe('evaluateUnregisteredMeter', () => {
  it('raises an item on the county when it is known', () => {
    const f = evaluateUnregisteredMeter({ ...seen, countyCode: '220102' });
    expect(f).toMatchObject({
      rule: 'unregistered-meter',
      kind: 'item',
      intakeId: null,
      countyCode: '220102',
      subject: '220102001',
      windowStartMs: seen.firstSeenMs,
      windowEndMs: seen.lastSeenMs,
    });
    expect(f?.evidence).toEqual({
      meterId: '220102001',
      countyKnown: true,
      countyCode: '220102',
      firstSeenMs: seen.firstSeenMs,
      lastSeenMs: seen.lastSeenMs,
      firstSeen: '2026-06-14 08:00',
      lastSeen: '2026-06-15 08:00',
      readings: 97,
    });
    expect(evaluateUnregisteredMeter({ ...seen, countyCode: '220102' })).toEqual(f);
  });

  it('raises it on the province when the county is unknown', () => {
    expect(evaluateUnregisteredMeter({ ...seen, countyCode: null })).toMatchObject({
      countyCode: '220000',
      evidence: { countyKnown: false },
    });
    const other = resolveRuleOptions({ province: { provinceCode: '210000' } });
    expect(evaluateUnregisteredMeter({ ...seen, countyCode: null }, other)?.countyCode).toBe('210000');
  });

  it('is silent when disabled', () => {
    expect(
      evaluateUnregisteredMeter({ ...seen, countyCode: null }, resolveRuleOptions({ intake: { disabledRules: ['unregistered-meter'] } })),
    ).toBeNull();
  });
});
