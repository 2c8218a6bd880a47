import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_OPTIONS } from '../rules/index.ts';
import { RuleConfig, RuleConfigError } from './rule-config.ts';

describe('RuleConfig', () => {
  it('layers defaults, province and intake: an intake override applies to that intake only', () => {
    const config = RuleConfig.from({ province: { offlineIntervals: 4 }, intakes: { 'CC-1': { offlineIntervals: 6 } } }, 'test');
    expect(config.province.offlineIntervals).toBe(4);
    expect(config.forIntake('CC-1').offlineIntervals).toBe(6);
    expect(config.forIntake('CC-2').offlineIntervals).toBe(4);
    expect(RuleConfig.load(undefined).province).toEqual(DEFAULT_RULE_OPTIONS);
    expect(RuleConfig.load(undefined, { provinceCode: '210000' }).province.provinceCode).toBe('210000');
  });

  it('refuses a bad file naming the file, the layer and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wim-rules-'));
    const path = join(dir, 'rules.json');
    writeFileSync(path, JSON.stringify({ intakes: { 'CC-1': { offlineIntervals: -1 } } }));
    expect(() => RuleConfig.load(path)).toThrow(RuleConfigError);
    expect(() => RuleConfig.load(path)).toThrow(new RegExp(`${path}, intake CC-1: .*offlineIntervals`));
    writeFileSync(path, JSON.stringify({ province: { noSuchThreshold: 1 } }));
    expect(() => RuleConfig.load(path)).toThrow(/province: .*noSuchThreshold/);
    writeFileSync(path, JSON.stringify({ intakes: { 'CC-1': { accounting: { clockDriftMaxMs: 60_000 } } } }));
    expect(() => RuleConfig.load(path)).toThrow(new RegExp(`${path}, intake CC-1: accounting: .*province-wide`));
    writeFileSync(path, '{ not json');
    expect(() => RuleConfig.load(path)).toThrow(/not JSON/);
    expect(() => RuleConfig.load(join(dir, 'missing.json'))).toThrow(/cannot read/);
  });

  it('reads the ledger section: rules of duty and escalation, with defaults', () => {
    expect(RuleConfig.load(undefined).ledger).toEqual({
      closeNeedsUpperLevel: true,
      escalateToCityAfterDays: 0,
      escalateToProvinceAfterDays: 30,
    });
    const config = RuleConfig.from({ ledger: { closeNeedsUpperLevel: false, escalateToProvinceAfterDays: 10 } }, 'test');
    expect(config.ledger).toEqual({ closeNeedsUpperLevel: false, escalateToCityAfterDays: 0, escalateToProvinceAfterDays: 10 });
    expect(() => RuleConfig.from({ ledger: { escalateToProvinceAfterDays: 0 } }, 'test')).toThrow(/ledger\.escalateToProvinceAfterDays/);
    expect(() => RuleConfig.from({ ledger: { closeByCounty: true } }, 'test')).toThrow(RuleConfigError);
  });

  it('reads the submissions section: deadlines per kind and level, with the plan as default', () => {
    expect(RuleConfig.load(undefined).submissions).toEqual({
      monthly: { county: 3, city: 6 },
      ledger: { county: '04-30', city: '05-31' },
      registration: { county: '08-31', city: '09-30' },
    });
    const config = RuleConfig.from({ submissions: { monthly: { county: 5 } } }, 'test');
    expect(config.submissions.monthly).toEqual({ county: 5, city: 6 });
    expect(() => RuleConfig.from({ submissions: { monthly: { county: 31 } } }, 'test')).toThrow(/submissions\.monthly\.county/);
  });
});
