/**
 * Ingest, assembled: MQTT receiver -> durable log (Redis stream) -> drainer -> InfluxDB, plus
 * rejections in PostgreSQL and intake-day jobs for the monitor.
 *
 * Shutdown order (close(), idempotent): stop receiving MQTT messages (acknowledging those already
 * logged), let the drainer finish the batch in hand, then close the queue, Redis and PostgreSQL.
 * Whatever is still in the log is drained by the next start or by another ingest process.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../common/config.ts';
import { createDb, type Db } from '../common/db/database.ts';
import { InfluxStore } from '../common/influx/influx-store.ts';
import type { Logger } from '../common/logger.ts';
import { ACCOUNT_QUEUE, type AccountJobData } from '../common/queues.ts';
import { createRedis } from '../common/redis.ts';
import { IngestLog } from './ingest-log.ts';
import { LogAppender } from './log-appender.ts';
import { LogDrainer } from './log-drainer.ts';
import { MeterDirectory } from './meter-directory.ts';
import { IngestMetrics } from './metrics.ts';
import { MqttReceiver } from './mqtt-receiver.ts';
import { RejectionStore } from './rejection-store.ts';

const HOUSEKEEPING_MS = 5_000;
const PRUNE_EVERY_MS = 3600_000;

export class IngestService {
  readonly metrics = new IngestMetrics();
  readonly log: IngestLog;
  private readonly config: Config;
  private readonly logger: Logger;
  private readonly db: Db;
  private readonly appendRedis: Redis;
  private readonly drainRedis: Redis;
  private readonly queue: Queue<AccountJobData>;
  private readonly influx: InfluxStore;
  private readonly receiver: MqttReceiver;
  private readonly drainer: LogDrainer;
  private readonly rejections: RejectionStore;
  private housekeeping: NodeJS.Timeout | undefined;
  private lastPruneMs = 0;
  private closing: Promise<void> | undefined;

  constructor(config: Config, logger: Logger) {
    this.config = config;
    this.logger = logger;
    const { ingest } = config;
    this.db = createDb({ url: config.databaseUrl, poolSize: 4 });
    // Appends from every MQTT connection share one auto-pipelined connection; the drainer's
    // blocking reads need a connection of their own.
    this.appendRedis = createRedis({ url: config.redisUrl, connectionName: `${ingest.id}:log-append`, autoPipelining: true });
    this.drainRedis = createRedis({ url: config.redisUrl, connectionName: `${ingest.id}:log-drain` });
    this.queue = new Queue<AccountJobData>(ACCOUNT_QUEUE, {
      connection: createRedis({ url: config.redisUrl, connectionName: `${ingest.id}:queue` }),
    });
    this.log = new IngestLog(this.appendRedis, { stream: ingest.logStream });
    const appender = new LogAppender(this.log);
    this.influx = new InfluxStore(config.influx);
    this.rejections = new RejectionStore(this.db);
    this.receiver = new MqttReceiver({
      url: config.mqtt.url,
      username: config.mqtt.username,
      password: config.mqtt.password,
      clientIdPrefix: `ingest-${ingest.id}`,
      connections: ingest.mqttConnections,
      shareGroup: ingest.shareGroup,
      onMessage: (topic, payload, receivedMs) => appender.append(topic, payload, receivedMs),
      metrics: this.metrics,
      logger,
    });
    this.drainer = new LogDrainer({
      log: new IngestLog(this.drainRedis, { stream: ingest.logStream }),
      directory: new MeterDirectory(this.db, ingest.registryRefreshMs),
      influx: this.influx,
      rejections: this.rejections,
      accountQueue: this.queue,
      metrics: this.metrics,
      logger,
      consumer: ingest.id,
      batchMax: ingest.batchMax,
      concurrency: ingest.drainConcurrency,
      limits: { maxFutureMs: ingest.maxFutureMs, maxPastMs: ingest.maxPastMs },
      coalesceMs: ingest.coalesceMs,
    });
  }

  async start(): Promise<void> {
    if (this.config.influx.api === 'v1') await this.influx.ensureDatabase();
    await this.warnIfLogNotDurable();
    this.drainer.start();
    await this.receiver.start();
    this.housekeeping = setInterval(() => void this.houseKeep(), HOUSEKEEPING_MS);
    this.logger.info({ id: this.config.ingest.id, connections: this.config.ingest.mqttConnections }, 'ingest started');
  }

  /** Acknowledged readings are only as safe as the Redis that holds the log: say so when it is not. */
  private async warnIfLogNotDurable(): Promise<void> {
    const aof = await this.appendRedis.config('GET', 'appendonly');
    if (aof[1] !== 'yes') {
      this.logger.warn('Redis has appendonly=no: a Redis restart would lose acknowledged readings not yet in InfluxDB (see docs/ingest.md)');
    }
  }

  private async houseKeep(): Promise<void> {
    try {
      this.metrics.backlog.set(await this.log.length());
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

  /** True when Redis answers and at least one MQTT connection is up. */
  async healthy(): Promise<boolean> {
    try {
      await this.appendRedis.ping();
      return ((await this.metrics.connected.get()).values[0]?.value ?? 0) > 0;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.housekeeping);
      await this.receiver.close();
      await this.drainer.stop();
      await this.queue.close();
      this.appendRedis.disconnect();
      this.drainRedis.disconnect();
      await this.db.destroy();
      this.logger.info('ingest stopped');
    })();
    return this.closing;
  }
}
