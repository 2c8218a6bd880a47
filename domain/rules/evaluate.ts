/**
 * evaluateIntake(): runs every enabled rule on one intake's input and returns findings in a stable
 * order (catalogue order, then subject), the rules that found nothing, and the clear subjects.
 * Pure and deterministic: `now` is a parameter, nothing reads the clock.
 */
import { RULES, ruleOrder, type RuleId } from './catalogue.ts';
import { DEFAULT_RULE_OPTIONS, type RuleOptions } from './options.ts';
import { makeContext } from './rule.ts';
import { INTAKE_RULES } from './checks/index.ts';
import type { ClearedSubject, Evaluation, Finding, IntakeRuleInput } from './types.ts';

export class RuleEvaluationError extends Error {
  override name = 'RuleEvaluationError';
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function evaluateIntake(input: IntakeRuleInput, now: number, options: RuleOptions = DEFAULT_RULE_OPTIONS): Evaluation {
  if (!Number.isFinite(now)) throw new RuleEvaluationError('now must be epoch milliseconds');
  const ctx = makeContext(input, now, options);
  const findings: Finding[] = [];
  const clear: RuleId[] = [];
  const clearSubjects: ClearedSubject[] = [];
  for (const rule of INTAKE_RULES) {
    if (options.disabledRules.includes(rule.id)) continue;
    const result = rule.evaluate(ctx);
    if (result === null) continue;
    const subjects = new Set<string>();
    for (const draft of result.findings) {
      // The ledger keys items by (intake, rule, subject): two findings with one key would fight.
      if (subjects.has(draft.subject)) throw new RuleEvaluationError(`rule ${rule.id} produced subject ${draft.subject} twice`);
      subjects.add(draft.subject);
      findings.push({
        rule: rule.id,
        kind: RULES[rule.id].kind,
        intakeId: input.intake.id,
        countyCode: input.intake.countyCode,
        ...draft,
      });
    }
    if (result.findings.length === 0) clear.push(rule.id);
    for (const subject of [...new Set(result.checked)].sort(compareText)) {
      if (!subjects.has(subject)) clearSubjects.push({ rule: rule.id, subject });
    }
  }
  findings.sort((a, b) => ruleOrder(a.rule) - ruleOrder(b.rule) || compareText(a.subject, b.subject));
  return { findings, clear, clearSubjects };
}
