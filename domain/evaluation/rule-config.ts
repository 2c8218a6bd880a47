/**
 * The rules' thresholds as configured (MONITOR_RULES_FILE): the brief's defaults, a province's
 * overrides, and an intake's overrides by intake code (docs/rules.md, "Options"). Read and checked
 * once at start: a bad file stops the monitor with a message naming the file and the field.
 *
 *   { "province": { "offlineIntervals": 4, "accounting": { "clockDriftMaxMs": 600000 } },
 *     "intakes": { "CC-0001": { "disabledRules": ["outside-hours"] } } }
 *
 * The accounting thresholds (stuck register, flow/volume, clock drift) apply province-wide: accounts
 * are computed for many intakes per query with one set of options.
 *
 * Two more sections set the ledger's workflow rather than the rules' thresholds, province-wide:
 * "ledger" (rules of duty and escalation, domain/ledger/workflow-options.ts) and "submissions"
 * (the deadlines of level-by-level submissions, domain/submissions/deadlines.ts).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AccountingOptions } from '../accounts/index.ts';
import { type LedgerWorkflowOptions, ledgerWorkflowOptions } from '../ledger/index.ts';
import { type SubmissionDeadlines, submissionDeadlines } from '../submissions/index.ts';
import { resolveRuleOptions, type RuleOptions, RuleOptionsError, type RuleOptionsOverrides } from '../rules/index.ts';

export class RuleConfigError extends Error {
  override name = 'RuleConfigError';
}

const overrides = z.record(z.string(), z.unknown());
const ruleConfigFile = z.strictObject({
  province: overrides.default({}),
  intakes: z.record(z.string(), overrides).default({}),
  ledger: ledgerWorkflowOptions.default(ledgerWorkflowOptions.parse({})),
  submissions: submissionDeadlines.default(submissionDeadlines.parse({})),
});

export class RuleConfig {
  readonly province: RuleOptions;
  /** Rules of duty and escalation of the ledger. */
  readonly ledger: LedgerWorkflowOptions;
  /** Deadlines of level-by-level submissions. */
  readonly submissions: SubmissionDeadlines;
  private readonly byIntake: ReadonlyMap<string, RuleOptions>;

  private constructor(
    province: RuleOptions,
    byIntake: ReadonlyMap<string, RuleOptions>,
    workflow: { ledger: LedgerWorkflowOptions; submissions: SubmissionDeadlines },
  ) {
    this.province = province;
    this.byIntake = byIntake;
    this.ledger = workflow.ledger;
    this.submissions = workflow.submissions;
  }

  /**
   * Parses and checks a configuration object; `source` names it in errors. `base` lies under the
   * province's overrides (the deployment's PROVINCE_CODE, so an unregistered meter's item goes to
   * this province unless the file says otherwise).
   */
  static from(value: unknown, source: string, base: RuleOptionsOverrides = {}): RuleConfig {
    const parsed = ruleConfigFile.safeParse(value);
    if (!parsed.success) {
      throw new RuleConfigError(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    }
    const province = { ...base, ...(parsed.data.province as RuleOptionsOverrides) };
    const resolve = (where: string, intake?: RuleOptionsOverrides) => {
      try {
        return resolveRuleOptions({ province, intake });
      } catch (err) {
        if (err instanceof RuleOptionsError) throw new RuleConfigError(`${source}, ${where}: ${err.message}`);
        throw err;
      }
    };
    const byIntake = new Map(
      Object.entries(parsed.data.intakes).map(([code, o]) => {
        if ('accounting' in o) {
          throw new RuleConfigError(
            `${source}, intake ${code}: accounting: the accounting thresholds apply province-wide (accounts are computed for many intakes at once); set them under "province"`,
          );
        }
        return [code, resolve(`intake ${code}`, o)] as const;
      }),
    );
    return new RuleConfig(resolve('province'), byIntake, {
      ledger: Object.freeze(parsed.data.ledger),
      submissions: Object.freeze(parsed.data.submissions),
    });
  }

  /** Reads a JSON file; no path: the defaults (on `base`). */
  /** For a process entry point: load, or print what is wrong and exit 78 (EX_CONFIG), as loadConfigOrExit does. */
  static loadOrExit(path: string | undefined, base: RuleOptionsOverrides = {}): RuleConfig {
    try {
      return RuleConfig.load(path, base);
    } catch (err) {
      if (!(err instanceof RuleConfigError)) throw err;
      process.stderr.write(`Invalid rule configuration (MONITOR_RULES_FILE): ${err.message}\n`);
      process.exit(78);
    }
  }

  static load(path: string | undefined, base: RuleOptionsOverrides = {}): RuleConfig {
    if (!path) return RuleConfig.from({}, 'defaults', base);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new RuleConfigError(`${path}: cannot read (${err instanceof Error ? err.message : String(err)})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new RuleConfigError(`${path}: not JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    return RuleConfig.from(json, path, base);
  }

  forIntake(code: string): RuleOptions {
    return this.byIntake.get(code) ?? this.province;
  }

  get accounting(): AccountingOptions {
    return this.province.accounting;
  }
}
