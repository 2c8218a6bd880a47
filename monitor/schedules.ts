/**
 * What the monitor does on a clock rather than on a reading (brief, section 2): BullMQ job
 * schedulers, in the authority's local time. Each is upserted at start by every monitor process
 * (idempotent); BullMQ runs each occurrence once.
 */
import type { Db } from '../platform/db/database.ts';
import { DAY_MS, LOCAL_TIME_ZONE, localDay } from '../platform/local-time.ts';
import type { Logger } from '../platform/logger.ts';
import { type AccountService, INTAKES_PER_QUERY } from '../domain/accounts/index.ts';
import type { IntakeEvaluator } from '../domain/evaluation/index.ts';
import { DEFAULT_LEDGER_WORKFLOW, type LedgerWorkflowOptions, runDailyEscalation } from '../domain/ledger/index.ts';
import { generateMonthlyReports } from '../domain/reports/index.ts';

export const SCHEDULE_QUEUE = 'monitor-schedules';

/** Chunks of the day close in progress at once: the time is mostly InfluxDB answering. */
export const DAY_CLOSE_LANES = 4;

export const SCHEDULES = [
  /** Meters gone silent, offline notices: every 15 minutes, the first 15 minutes after a start. */
  { name: 'offline-sweep', repeat: { every: 15 * 60_000 } },
  /** Yesterday's accounts for every intake (also those that sent nothing), then every rule: 00:10. */
  { name: 'day-close', repeat: { pattern: '10 0 * * *', tz: LOCAL_TIME_ZONE } },
  /**
   * Items past their deadline marked overdue and moved up a level (docs/ledger.md, "Escalation"):
   * 00:30, after the day close has judged yesterday, so the day's summary is complete by morning.
   */
  { name: 'escalation', repeat: { pattern: '30 0 * * *', tz: LOCAL_TIME_ZONE } },
  /** Permit expiry and renewal notices, calibration and replacement due: 01:00. */
  { name: 'daily-checks', repeat: { pattern: '0 1 * * *', tz: LOCAL_TIME_ZONE } },
  /** The monthly progress report on the 1st: 02:00. */
  { name: 'monthly-report', repeat: { pattern: '0 2 1 * *', tz: LOCAL_TIME_ZONE } },
] as const;
export type ScheduledJobName = (typeof SCHEDULES)[number]['name'];

export interface ScheduledWorkOptions {
  db: Db;
  accounts: AccountService;
  evaluator: IntakeEvaluator;
  logger: Logger;
  /** The rules file's "ledger" section (escalation delays); default: its defaults. */
  ledger?: LedgerWorkflowOptions;
}

export class ScheduledWork {
  private readonly o: ScheduledWorkOptions;
  constructor(options: ScheduledWorkOptions) {
    this.o = options;
  }

  /**
   * Runs one occurrence. `scheduledFor` is when it was due: the day to close and the month to
   * report follow from it, not from `now`, so a job run late (a monitor down over midnight) still
   * does the day or month it was for. Rules judge as of `now`.
   */
  async run(name: ScheduledJobName, now: Date, scheduledFor: Date = now): Promise<void> {
    const started = Date.now();
    const previousDay = localDay(scheduledFor.getTime() - DAY_MS);
    switch (name) {
      case 'day-close':
        await this.dayClose(previousDay, now);
        // The month's last day closed: its report can be written (monthly-report refreshes it).
        if (localDay(scheduledFor.getTime()).endsWith('-01')) await generateMonthlyReports(this.o.db, previousDay.slice(0, 7), now);
        break;
      case 'offline-sweep':
        await this.o.evaluator.evaluateRegistry(await this.activeIntakeIds(), now);
        await this.o.evaluator.evaluateUnregistered(now);
        break;
      case 'daily-checks':
        await this.o.evaluator.evaluateRegistry(await this.activeIntakeIds(), now);
        break;
      case 'monthly-report':
        await this.monthlyReport(previousDay, now);
        break;
      case 'escalation': {
        // The day is the one the run was due for, so a late run records its changes on that day;
        // a day missed altogether is caught up by the next run (judged from the deadlines).
        const counts = await runDailyEscalation(this.o.db, { now: scheduledFor, workflow: this.o.ledger ?? DEFAULT_LEDGER_WORKFLOW });
        this.o.logger.info(counts, 'daily escalation');
        break;
      }
    }
    this.o.logger.info({ job: name, ms: Date.now() - started }, 'scheduled job done');
  }

  /**
   * Accounts `day` for every active intake and judges it, chunk by chunk (memory stays that of a
   * few chunks); DAY_CLOSE_LANES chunks are in progress at once, so InfluxDB answers some while
   * others are judged.
   */
  async dayClose(day: string, now: Date): Promise<{ intakes: number; accountSeconds: number; ruleSeconds: number }> {
    const intakeIds = await this.activeIntakeIds();
    const chunks: string[][] = [];
    for (let i = 0; i < intakeIds.length; i += INTAKES_PER_QUERY) chunks.push(intakeIds.slice(i, i + INTAKES_PER_QUERY));
    let accountSeconds = 0;
    let ruleSeconds = 0;
    let next = 0;
    const lane = async () => {
      for (let chunk = chunks[next++]; chunk; chunk = chunks[next++]) {
        const started = performance.now();
        const { accounts, readings } = await this.o.accounts.accountChunk(chunk, day, day);
        const judged = performance.now();
        accountSeconds += (judged - started) / 1000;
        await this.o.evaluator.evaluateAccounts(accounts, now, readings);
        ruleSeconds += (performance.now() - judged) / 1000;
      }
    };
    await Promise.all(Array.from({ length: DAY_CLOSE_LANES }, lane));
    return { intakes: intakeIds.length, accountSeconds, ruleSeconds };
  }

  /**
   * Writes the month's report again when its last day is accounted for every active intake (late
   * batches may have changed the month since the day close wrote it); otherwise the day close is
   * still running or failed, and will write the report when it finishes.
   */
  private async monthlyReport(lastDay: string, now: Date): Promise<void> {
    const [active, accounted] = await Promise.all([
      this.o.db
        .selectFrom('intakes')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', '=', 'active')
        .executeTakeFirstOrThrow(),
      this.o.db
        .selectFrom('daily_accounts as a')
        .innerJoin('intakes as i', 'i.id', 'a.intake_id')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('a.day', '=', lastDay)
        .where('i.status', '=', 'active')
        .executeTakeFirstOrThrow(),
    ]);
    if (Number(accounted.n) < Number(active.n)) {
      this.o.logger.warn({ lastDay, accounted: accounted.n, active: active.n }, 'month not closed yet; the day close writes its report');
      return;
    }
    await generateMonthlyReports(this.o.db, lastDay.slice(0, 7), now);
  }

  private async activeIntakeIds(): Promise<string[]> {
    const rows = await this.o.db.selectFrom('intakes').select('id').where('status', '=', 'active').orderBy('id').execute();
    return rows.map((r) => r.id);
  }
}
