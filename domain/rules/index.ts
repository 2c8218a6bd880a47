/** Rules engine: pure functions from an intake's registry data and accounts to findings (docs/rules.md). */
export { type FindingKind, type RuleDescription, type RuleId, RULE_IDS, RULES } from './catalogue.ts';
export { evaluateIntake, RuleEvaluationError } from './evaluate.ts';
export { evaluateUnregisteredMeter } from './unregistered.ts';
export {
  type AccuracyTable,
  DEFAULT_RULE_OPTIONS,
  resolveRuleOptions,
  type RuleOptions,
  RuleOptionsError,
  type RuleOptionsOverrides,
} from './options.ts';
export type * from './types.ts';
