/**
 * Runs the rules (domain/rules) over intakes and writes what they find to the ledger
 * (domain/ledger): raise, update, clear. Inputs are fetched for many intakes at once
 * (rule-inputs.ts). Only closed local days are judged: today's account is still filling up, and
 * judging it would raise completeness or volume notices that the rest of the day would refute.
 */
import type { Db } from '../../platform/db/database.ts';
import type { InfluxReader } from '../../platform/influx/readings-reader.ts';
import { DAY_MS, localDay, localDayStart } from '../../platform/local-time.ts';
import type { Logger } from '../../platform/logger.ts';
import type { DailyAccount } from '../accounts/index.ts';
import type { IntakeDailyAccount } from '../accounts/index.ts';
import { INTAKES_PER_QUERY } from '../accounts/index.ts';
import { fetchReadings, type ReadingsByIntake } from '../accounts/index.ts';
import { applyEvaluation, type EvaluationCounts } from '../ledger/index.ts';
import { DEFAULT_RULE_OPTIONS, evaluateIntake, evaluateUnregisteredMeter, type MeterReadings } from '../rules/index.ts';
import type { RuleConfig } from './rule-config.ts';
import { FIELD, MEASUREMENT, TAG } from '../telemetry/index.ts';
import { fetchRuleInputs } from './rule-inputs.ts';

export interface IntakeEvaluatorOptions {
  db: Db;
  influx: InfluxReader;
  logger: Logger;
  /** Thresholds by intake (rule-config.ts). Default: the brief's defaults for every intake. */
  rules?: RuleConfig;
}

const emptyCounts = (): EvaluationCounts => ({ raised: 0, updated: 0, recurred: 0, cleared: 0, resolved: 0, unchanged: 0 });

function addCounts(a: EvaluationCounts, b: EvaluationCounts): EvaluationCounts {
  return {
    raised: a.raised + b.raised,
    updated: a.updated + b.updated,
    recurred: a.recurred + b.recurred,
    cleared: a.cleared + b.cleared,
    resolved: a.resolved + b.resolved,
    unchanged: a.unchanged + b.unchanged,
  };
}

export class IntakeEvaluator {
  private readonly o: IntakeEvaluatorOptions;
  constructor(options: IntakeEvaluatorOptions) {
    this.o = options;
  }

  /**
   * Judges the closed days among freshly written accounts (each intake on its own days). Pass the
   * readings the accounts came from when at hand (the day close), so they are not read twice.
   */
  async evaluateAccounts(accounts: readonly IntakeDailyAccount[], now: Date, readings?: ReadingsByIntake): Promise<EvaluationCounts> {
    const today = localDay(now.getTime());
    const byIntake = new Map<string, DailyAccount[]>();
    for (const a of accounts) {
      if (a.day >= today) continue;
      const list = byIntake.get(a.intakeId);
      if (list) list.push(a);
      else byIntake.set(a.intakeId, [a]);
    }
    let counts = emptyCounts();
    const ids = [...byIntake.keys()];
    for (let i = 0; i < ids.length; i += INTAKES_PER_QUERY) {
      counts = addCounts(counts, await this.evaluateChunk(ids.slice(i, i + INTAKES_PER_QUERY), byIntake, now, readings ?? 'fetch'));
    }
    return counts;
  }

  /** Judges what needs no new account: permits, calibration, silent meters (the sweeps). */
  async evaluateRegistry(intakeIds: readonly string[], now: Date): Promise<EvaluationCounts> {
    let counts = emptyCounts();
    for (let i = 0; i < intakeIds.length; i += INTAKES_PER_QUERY) {
      counts = addCounts(counts, await this.evaluateChunk(intakeIds.slice(i, i + INTAKES_PER_QUERY), new Map(), now, 'none'));
    }
    return counts;
  }

  /**
   * Meters the registry does not know that sent readings in the last `lookbackMs` (InfluxDB
   * measurement unregistered_readings): an item each, on the province unless the county is known.
   * An item whose meter has since been registered clears.
   */
  async evaluateUnregistered(now: Date, lookbackMs = 7 * DAY_MS): Promise<EvaluationCounts> {
    const since = `'${new Date(now.getTime() - lookbackMs).toISOString()}'`;
    const m = `"${MEASUREMENT.unregisteredReadings}"`;
    const [counts = [], firsts = [], lasts = []] = await this.o.influx.query(
      [`count("${FIELD.totalM3}")`, `first("${FIELD.totalM3}")`, `last("${FIELD.totalM3}")`]
        .map((f) => `SELECT ${f} FROM ${m} WHERE time > ${since} GROUP BY "${TAG.meter}"`)
        .join('; '),
    );
    const timeOf = (series: typeof firsts, meterId: string) => series.find((s) => s.tags?.[TAG.meter] === meterId)?.values[0]?.[0];
    const seen = counts.flatMap((s) => {
      const meterId = s.tags?.[TAG.meter];
      const first = meterId ? timeOf(firsts, meterId) : undefined;
      const last = meterId ? timeOf(lasts, meterId) : undefined;
      const readings = s.values[0]?.[1];
      return meterId && typeof first === 'number' && typeof last === 'number' && typeof readings === 'number'
        ? [{ meterId, firstSeenMs: first, lastSeenMs: last, readings }]
        : [];
    });
    const registered = new Set(
      seen.length
        ? (
            await this.o.db
              .selectFrom('meters')
              .select('meter_id')
              .where(
                'meter_id',
                'in',
                seen.map((s) => s.meterId),
              )
              .execute()
          ).map((r) => r.meter_id)
        : [],
    );
    const findings = seen
      .filter((s) => !registered.has(s.meterId))
      .flatMap((s) => evaluateUnregisteredMeter({ ...s, countyCode: null }, this.o.rules?.province ?? DEFAULT_RULE_OPTIONS) ?? []);
    const clear = [...registered].map((meterId) => ({ intakeId: null, rule: 'unregistered-meter', subject: meterId }));
    return applyEvaluation(this.o.db, { findings, clear, now, actor: 'system:monitor' });
  }

  private async evaluateChunk(
    intakeIds: readonly string[],
    accounts: ReadonlyMap<string, readonly DailyAccount[]>,
    now: Date,
    source: ReadingsByIntake | 'fetch' | 'none',
  ): Promise<EvaluationCounts> {
    const days = [...accounts.values()]
      .flat()
      .map((a) => a.day)
      .sort();
    // Period sums always run through yesterday (the last closed day; only closed days are judged):
    // a late batch for an old day must not make the year look smaller than it is, which would
    // clear over-permit items and resolve their warnings.
    const throughDay = localDay(now.getTime() - DAY_MS);
    const readings =
      source === 'none' || days.length === 0
        ? null
        : ruleReadings(source === 'fetch' ? await this.readingsOf(intakeIds, days[0] ?? throughDay, throughDay) : source);
    const inputs = await fetchRuleInputs(this.o.db, this.o.influx, { intakeIds, accounts, throughDay, readings });
    const findings = [];
    const clear = [];
    for (const input of inputs) {
      const evaluation = evaluateIntake(input, now.getTime(), this.o.rules?.forIntake(input.intake.code) ?? DEFAULT_RULE_OPTIONS);
      findings.push(...evaluation.findings);
      clear.push(...evaluation.clearSubjects.map((c) => ({ intakeId: input.intake.id, rule: c.rule, subject: c.subject })));
    }
    return applyEvaluation(this.o.db, { findings, clear, now, actor: 'system:monitor' });
  }

  private readingsOf(intakeIds: readonly string[], fromDay: string, toDay: string): Promise<ReadingsByIntake> {
    return fetchReadings(this.o.influx, intakeIds, localDayStart(fromDay), localDayStart(toDay) + DAY_MS);
  }
}

function ruleReadings(byIntake: ReadingsByIntake): Map<string, MeterReadings[]> {
  return new Map(
    [...byIntake].map(([intakeId, meters]) => [intakeId, [...meters].map(([meterId, r]) => ({ meterId, readings: r.readings }))]),
  );
}
