import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_OPTIONS, resolveRuleOptions, RuleOptionsError, type RuleOptionsOverrides } from './options.ts';

describe('resolveRuleOptions', () => {
  it('gives the brief’s defaults', () => {
    const o = resolveRuleOptions();
    expect(o).toMatchObject({
      renewalNoticeDays: 45,
      earlyWarningFractions: [0.8, 0.9],
      rateSustainedMs: 900_000,
      offlineIntervals: 3,
      silentItemMs: 3 * 86_400_000,
      dailyCompletenessMin: 0.95,
      monthlyCompletenessMin: 0.9,
      onlineMeteringSurfaceM3: 500_000,
      onlineMeteringGroundwaterM3: 50_000,
      calibrationMonths: 24,
      smallMeterServiceYears: 4,
      tinyMeterServiceYears: 6,
    });
    expect(o.accounting).toMatchObject({ stuckRegisterMinMs: 3_600_000, flowMismatchFraction: 0.05, clockDriftMaxMs: 300_000 });
    expect(o).toEqual({ ...DEFAULT_RULE_OPTIONS });
  });

  it('applies the intake over the province over the defaults, field by field in the tables', () => {
    const o = resolveRuleOptions({
      province: {
        renewalNoticeDays: 60,
        rateSustainedMs: 1_800_000,
        accuracyClassRequired: { mechanical: 1 },
        accounting: { clockDriftMaxMs: 600_000 },
      },
      intake: { renewalNoticeDays: 30, accuracyClassRequired: { ultrasonic: 1.5 }, accounting: { flowMismatchFraction: 0.1 } },
    });
    expect(o.renewalNoticeDays).toBe(30);
    expect(o.rateSustainedMs).toBe(1_800_000);
    expect(o.accuracyClassRequired).toEqual({
      electromagnetic: 2.5,
      ultrasonic: 1.5,
      mechanical: 1,
      weir_flume: 5,
      power_conversion: null,
    });
    expect(o.accounting).toMatchObject({ clockDriftMaxMs: 600_000, flowMismatchFraction: 0.1 });
  });

  it.each<[string, { province?: RuleOptionsOverrides; intake?: RuleOptionsOverrides }, RegExp]>([
    ['a negative period', { intake: { renewalNoticeDays: -1 } }, /invalid intake rule options: renewalNoticeDays/],
    ['a share above 1', { province: { dailyCompletenessMin: 1.5 } }, /invalid province rule options: dailyCompletenessMin/],
    [
      'unordered warnings',
      { province: { earlyWarningFractions: [0.9, 0.8] } },
      /invalid merged rule options: earlyWarningFractions: must be strictly ascending/,
    ],
    ['an unknown rule', { intake: { disabledRules: ['no-such-rule' as 'meter-silent'] } }, /disabledRules/],
    ['an unknown field', { intake: { renewalDays: 3 } as RuleOptionsOverrides }, /renewalDays/],
    ['a bad accounting value', { intake: { accounting: { clockDriftMaxMs: 0 } } }, /invalid accounting rule options: clockDriftMaxMs/],
    ['tiny above small', { intake: { tinyMeterMaxDiameterMm: 80 } }, /tinyMeterMaxDiameterMm: must not exceed/],
  ])('refuses %s with the layer and field named', (_name, layers, message) => {
    expect(() => resolveRuleOptions(layers)).toThrow(RuleOptionsError);
    expect(() => resolveRuleOptions(layers)).toThrow(message);
  });
});
