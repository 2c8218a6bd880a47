/** The shape of one rule and the context every rule reads. */
import type { DailyAccount } from '../accounts/types.ts';
import type { RuleId } from './catalogue.ts';
import { localDay, localDayEnd } from './calendar.ts';
import type { RuleOptions } from './options.ts';
import type { Evidence, IntakeRuleInput, RuleMeter } from './types.ts';

/** A finding before the engine adds what every finding shares (rule, kind, intake, county). */
export interface FindingDraft {
  subject: string;
  windowStartMs: number;
  windowEndMs: number;
  summary: string;
  evidence: Evidence;
}

/**
 * What a rule returns: its findings and every subject it checked (with or without a finding), or
 * null when it could not be evaluated for want of data. A rule that does not apply (no limit set,
 * exempt intake) was evaluated and found nothing: its open items have cleared.
 */
export interface RuleResult {
  findings: FindingDraft[];
  checked: string[];
}

export interface IntakeRule {
  id: RuleId;
  evaluate(ctx: RuleContext): RuleResult | null;
}

export interface RuleContext {
  input: IntakeRuleInput;
  now: number;
  /** Local day of `now`. */
  today: string;
  options: RuleOptions;
  /** input.accounts sorted by day. */
  accounts: readonly DailyAccount[];
  /** Active meters, by id order. */
  activeMeters: readonly RuleMeter[];
}

export function makeContext(input: IntakeRuleInput, now: number, options: RuleOptions): RuleContext {
  const accounts = [...input.accounts].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const activeMeters = input.meters.filter((m) => m.status === 'active').sort((a, b) => (a.meterId < b.meterId ? -1 : 1));
  return { input, now, today: localDay(now), options, accounts, activeMeters };
}

/** Days whose end has passed: their reports are all in (late batches aside). */
export function endedAccounts(ctx: RuleContext): DailyAccount[] {
  return ctx.accounts.filter((a) => localDayEnd(a.day) <= ctx.now);
}

/** Nothing found for these subjects. */
export function silent(...checked: string[]): RuleResult {
  return { findings: [], checked };
}
