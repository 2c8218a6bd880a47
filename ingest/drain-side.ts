/**
 * The drain half of ingest: durable journal -> InfluxDB, rejections to PostgreSQL, intake-day jobs,
 * and the housekeeping of both (backlog gauge, rejection retention). It runs in a worker thread of
 * its own (drain-worker.ts), so decoding and writing never hold up the acknowledgement of MQTT
 * messages on the main thread.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../platform/config.ts';
import { createDb, type Db } from '../platform/db/database.ts';
import { InfluxStore } from '../platform/influx/influx-store.ts';
import { confidentialInfluxStore } from '../platform/influx/readings-reader.ts';
import type { Logger } from '../platform/logger.ts';
import { ACCOUNT_QUEUE, type AccountJobData } from '../platform/queues.ts';
import { createRedis, unlessConnectionError } from '../platform/redis.ts';
import { Journal } from './journal.ts';
import { JournalDrainer } from './journal-drainer.ts';
import { MeterDirectory } from './meter-directory.ts';
import type { IngestMetrics } from './metrics.ts';
import { RejectionStore } from '../domain/telemetry/index.ts';

const HOUSEKEEPING_MS = 5_000;
const PRUNE_EVERY_MS = 3600_000;

export class DrainSide {
  private readonly config: Config;
  private readonly logger: Logger;
  private readonly metrics: IngestMetrics;
  private readonly db: Db;
  private readonly redis: Redis;
  private readonly queue: Queue<AccountJobData>;
  private readonly rejections: RejectionStore;
  private readonly journal: Journal;
  private readonly drainer: JournalDrainer;
  private housekeeping: NodeJS.Timeout | undefined;
  private lastPruneMs = 0;

  constructor(config: Config, logger: Logger, metrics: IngestMetrics) {
    this.config = config;
    this.logger = logger;
    this.metrics = metrics;
    const { ingest } = config;
    this.db = createDb({ url: config.databaseUrl, poolSize: 4 });
    this.redis = createRedis({ url: config.redisUrl, connectionName: `${ingest.id}:log-drain`, logger });
    this.queue = new Queue<AccountJobData>(ACCOUNT_QUEUE, {
      connection: createRedis({ url: config.redisUrl, connectionName: `${ingest.id}:queue`, logger }),
    });
    this.queue.on(
      'error',
      unlessConnectionError((err) => {
        logger.warn({ err }, 'job queue error');
      }),
    );
    this.rejections = new RejectionStore(this.db);
    this.journal = new Journal(this.redis, { stream: ingest.journalStream });
    this.drainer = new JournalDrainer({
      journal: this.journal,
      directory: new MeterDirectory(this.db, ingest.registryRefreshMs),
      influx: new InfluxStore(config.influx),
      confidentialInflux: confidentialInfluxStore(config.influx),
      rejections: this.rejections,
      accountQueue: this.queue,
      metrics,
      logger,
      consumer: ingest.id,
      batchMax: ingest.batchMax,
      concurrency: ingest.drainConcurrency,
      lingerMs: ingest.drainLingerMs,
      limits: { maxFutureMs: ingest.maxFutureMs, maxPastMs: ingest.maxPastMs },
      coalesceMs: ingest.coalesceMs,
    });
  }

  /** Returns at once: the drain waits for its stores (InfluxDB may be down at start) on its own. */
  start(): void {
    this.drainer.start();
    this.housekeeping = setInterval(() => void this.houseKeep(), HOUSEKEEPING_MS);
  }

  private async houseKeep(): Promise<void> {
    try {
      this.metrics.backlog.set(await this.journal.length());
      const now = Date.now();
      if (now - this.lastPruneMs >= PRUNE_EVERY_MS) {
        this.lastPruneMs = now;
        const { rejectionRetentionDays, rejectionMaxRows } = this.config.ingest;
        const pruned = await this.rejections.prune(rejectionRetentionDays, rejectionMaxRows);
        if (pruned) this.logger.info({ pruned }, 'pruned old rejections');
      }
    } catch (err) {
      this.logger.warn({ err }, 'housekeeping failed');
    }
  }

  /** Lets the drain loops finish their batches, then closes the queue, Redis and PostgreSQL. */
  async stop(): Promise<void> {
    clearInterval(this.housekeeping);
    await this.drainer.stop();
    await this.queue.close();
    this.redis.disconnect();
    await this.db.destroy();
  }
}
