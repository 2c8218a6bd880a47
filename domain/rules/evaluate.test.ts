import { describe, expect, it } from 'vitest';
import { RULE_IDS, RULES } from './catalogue.ts';
import { evaluateIntake } from './evaluate.ts';
import { DEFAULT_RULE_OPTIONS } from './options.ts';
import { evaluate, isClear, normalInput, NOW, permit } from './testing/fixtures.ts';

const INTAKE_RULE_IDS = RULE_IDS.filter((id) => id !== 'unregistered-meter');

describe('evaluateIntake', () => {
  it('stays silent on normal data, with every intake rule evaluated and clear', () => {
    const e = evaluate(normalInput());
    expect(e.findings).toEqual([]);
    expect(e.clear).toEqual(INTAKE_RULE_IDS);
    expect(e.clearSubjects).toContainEqual({ rule: 'rate-excess', subject: 'P-001' });
    expect(e.clearSubjects).toContainEqual({ rule: 'meter-silent', subject: 'M1' });
    expect(e.clearSubjects).toContainEqual({ rule: 'annual-over-permit', subject: 'P-001@2026' });
  });

  it('gives identical output when run twice on the same input, and with input lists in another order', () => {
    const input = normalInput({ permits: [permit({ validTo: '2026-06-30' })] });
    const first = evaluate(input);
    expect(first.findings.length).toBeGreaterThan(0);
    expect(evaluate(input)).toEqual(first);
    const shuffled = {
      ...input,
      accounts: [...input.accounts].reverse(),
      periods: [...input.periods].reverse(),
      readings: input.readings?.map((m) => ({ ...m, readings: [...m.readings].reverse() })) ?? null,
    };
    expect(evaluate(shuffled)).toEqual(first);
  });

  it('keeps evidence JSON-serialisable and findings sorted by rule then subject', () => {
    const e = evaluate(normalInput({ permits: [permit({ validTo: '2026-06-30', annualVolumeM3: 300_000 })] }));
    for (const f of e.findings) {
      expect(JSON.parse(JSON.stringify(f))).toEqual(f);
      expect(f.kind).toBe(RULES[f.rule].kind);
      expect(f.summary).toContain(' / ');
    }
    const order = e.findings.map((f) => RULE_IDS.indexOf(f.rule));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('leaves a rule without data out of both lists', () => {
    const e = evaluate(normalInput({ accounts: [], periods: [], readings: null }));
    for (const id of [
      'unpermitted-withdrawal',
      'daily-over-limit',
      'rate-excess',
      'outside-hours',
      'outside-season',
      'annual-over-permit',
      'monthly-completeness',
      'daily-completeness',
      'stuck-register',
    ] as const) {
      expect(e.clear).not.toContain(id);
      expect(e.findings.map((f) => f.rule)).not.toContain(id);
    }
    // Registry-only rules still run in a sweep without accounts.
    expect(isClear(e, 'meter-silent')).toBe(true);
    expect(isClear(e, 'permit-renewal-due')).toBe(true);
  });

  it('leaves a disabled rule out of both lists', () => {
    const input = normalInput({ permits: [permit({ validTo: '2026-06-30' })] });
    const e = evaluate(input, NOW, { disabledRules: ['permit-renewal-due'] });
    expect(e.findings.map((f) => f.rule)).not.toContain('permit-renewal-due');
    expect(e.clear).not.toContain('permit-renewal-due');
  });

  it('uses the defaults when no options are given, and refuses a bad now', () => {
    expect(evaluateIntake(normalInput(), NOW)).toEqual(evaluateIntake(normalInput(), NOW, DEFAULT_RULE_OPTIONS));
    expect(() => evaluateIntake(normalInput(), Number.NaN)).toThrow(/now/);
  });
});
