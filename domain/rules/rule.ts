/** The shape of one rule and the context every rule reads. */
import type { DailyAccount } from '../accounts/index.ts';
import type { RuleId } from './catalogue.ts';
import { localDay, localDayEnd } from '../../platform/local-time.ts';
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
  /** Ids of the intake's meters no longer in service (replaced, retired), by id order. */
  outOfServiceMeterIds: readonly string[];
}

export function makeContext(input: IntakeRuleInput, now: number, options: RuleOptions): RuleContext {
  const accounts = [...input.accounts].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const byId = [...input.meters].sort((a, b) => (a.meterId < b.meterId ? -1 : 1));
  const activeMeters = byId.filter((m) => m.status === 'active');
  const outOfServiceMeterIds = byId.filter((m) => m.status !== 'active').map((m) => m.meterId);
  return { input, now, today: localDay(now), options, accounts, activeMeters, outOfServiceMeterIds };
}

/**
 * A rule about the meters in service, with the intake's meters out of service among its checked
 * subjects: it has nothing to find about them any more, so their open items clear (a meter
 * replaced while overdue for calibration, or while silent).
 */
export function checkingOutOfService(ctx: RuleContext, result: RuleResult): RuleResult {
  return { findings: result.findings, checked: [...result.checked, ...ctx.outOfServiceMeterIds] };
}

/** Days whose end has passed: their reports are all in (late batches aside). */
export function endedAccounts(ctx: RuleContext): DailyAccount[] {
  return ctx.accounts.filter((a) => localDayEnd(a.day) <= ctx.now);
}

/** Nothing found for these subjects. */
export function silent(...checked: string[]): RuleResult {
  return { findings: [], checked };
}
