/**
 * The monitor, assembled: a BullMQ worker for the intake-day account jobs that ingest enqueues
 * (batched, so one InfluxQL query serves many intakes), and BullMQ job schedulers for what no
 * reading triggers (schedules.ts). Several monitor processes may run: BullMQ hands each job to one
 * of them, schedulers are upserted idempotently, and every step is an idempotent upsert, so work
 * done twice never changes a result.
 *
 * buildMonitor() assembles it from its stores and rules, as buildApp() does the API: main.ts opens
 * the stores from the configuration, tests and the benchmark pass their own.
 *
 * Shutdown (close(), idempotent): the workers stop taking jobs and finish those in hand, then the
 * schedule queue closes, then the Redis connections the service opened through `redis` (BullMQ
 * does not close connections it was given). PostgreSQL and InfluxDB belong to the caller, who
 * closes them afterwards.
 */
import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../platform/db/database.ts';
import type { InfluxReader } from '../platform/influx/readings-reader.ts';
import type { Logger } from '../platform/logger.ts';
import { ACCOUNT_QUEUE, type AccountJobData } from '../platform/queues.ts';
import { unlessConnectionError } from '../platform/redis.ts';
import { AccountService } from '../domain/accounts/index.ts';
import { IntakeEvaluator, type RuleConfig } from '../domain/evaluation/index.ts';
import { JobBatcher } from './job-batcher.ts';
import { SCHEDULE_QUEUE, type ScheduledJobName, SCHEDULES, ScheduledWork } from './schedules.ts';

export interface MonitorDependencies {
  db: Db;
  influx: InfluxReader;
  logger: Logger;
  /** The rule thresholds (RuleConfig.load); default: the brief's defaults for the province. */
  rules?: RuleConfig;
  /** Opens a Redis connection for one BullMQ queue or worker, named for the server's client list. */
  redis: (name: string) => Redis;
}

/** The monitor from its stores: nothing runs until start(). */
export function buildMonitor(deps: MonitorDependencies): MonitorService {
  return new MonitorService(deps);
}

export class MonitorService {
  readonly accounts: AccountService;
  readonly evaluator: IntakeEvaluator;
  /** What the schedules run, callable directly (tests, the benchmark, an operator's catch-up). */
  readonly scheduled: ScheduledWork;
  private readonly logger: Logger;
  private readonly scheduleQueue: Queue;
  private readonly accountWorker: Worker<AccountJobData>;
  private readonly scheduleWorker: Worker;
  private readonly connections: Redis[] = [];
  private closing: Promise<void> | undefined;

  constructor({ db, influx, logger, rules, redis }: MonitorDependencies) {
    this.logger = logger;
    const connection = (name: string): Redis => {
      const opened = redis(name);
      this.connections.push(opened);
      return opened;
    };
    this.accounts = new AccountService({ db, influx, ...(rules ? { accounting: rules.accounting } : {}) });
    this.evaluator = new IntakeEvaluator({ db, influx, logger, ...(rules ? { rules } : {}) });
    this.scheduled = new ScheduledWork({
      db,
      accounts: this.accounts,
      evaluator: this.evaluator,
      logger,
      ...(rules ? { ledger: rules.ledger } : {}),
    });

    const batcher = new JobBatcher<AccountJobData>({
      // Ingest staggers the coalescing windows by intake (platform/queues.ts), so jobs arrive as an
      // even stream rather than in bursts: a batch waits up to 1 s to gather hundreds for one query.
      maxWaitMs: 1_000,
      run: async (jobs) => {
        const written = await this.accounts.recompute(jobs);
        await this.evaluator.evaluateAccounts(written, new Date());
      },
    });
    this.accountWorker = new Worker<AccountJobData>(ACCOUNT_QUEUE, (job) => batcher.add(job.data), {
      connection: connection('accounts'),
      // Many jobs in hand at once is what lets the batcher fill a batch: two batches' worth, so
      // that the next one gathers while one runs.
      concurrency: 1_000,
      autorun: false,
    });
    this.scheduleQueue = new Queue(SCHEDULE_QUEUE, { connection: connection('schedule-queue') });
    this.scheduleQueue.on(
      'error',
      unlessConnectionError((err) => {
        logger.warn({ err }, 'schedule queue error');
      }),
    );
    // A scheduler's job is created delayed until its occurrence: creation time + delay is when it was due.
    const dueAt = (job: Job) => new Date(job.timestamp + (job.opts.delay ?? 0));
    this.scheduleWorker = new Worker(
      SCHEDULE_QUEUE,
      (job: Job) => this.scheduled.run(job.name as ScheduledJobName, new Date(), dueAt(job)),
      {
        connection: connection('schedule-worker'),
        concurrency: 1,
        autorun: false,
      },
    );
    for (const worker of [this.accountWorker, this.scheduleWorker]) {
      worker.on('failed', (job, err) => {
        logger.warn({ err, job: job?.id }, 'job failed; BullMQ retries it');
      });
      worker.on(
        'error',
        unlessConnectionError((err) => {
          logger.error({ err }, 'worker error');
        }),
      );
    }
  }

  async start(): Promise<void> {
    for (const s of SCHEDULES) {
      // An interval schedule (the offline sweep) first runs one interval after the start, not at
      // once: ingest may still be storing readings sent while the monitor was down (or a demo
      // fleet's history), and a sweep before them would call their meters offline.
      const repeat = 'every' in s.repeat ? { ...s.repeat, startDate: Date.now() + s.repeat.every } : s.repeat;
      await this.scheduleQueue.upsertJobScheduler(s.name, repeat, {
        name: s.name,
        opts: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 } },
      });
    }
    void this.accountWorker.run();
    void this.scheduleWorker.run();
    this.logger.info({ schedules: SCHEDULES.map((s) => s.name) }, 'monitor started');
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([this.accountWorker.close(), this.scheduleWorker.close()]);
      await this.scheduleQueue.close();
      await Promise.all(
        this.connections.map((c) =>
          c.quit().catch(() => {
            c.disconnect();
          }),
        ),
      );
      this.logger.info('monitor stopped');
    })();
    return this.closing;
  }
}
