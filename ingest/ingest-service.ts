/**
 * Ingest, assembled. The main thread is the receive side: MQTT connections -> durable journal (Redis
 * stream) -> acknowledgement. The drain side (log -> InfluxDB, rejections, intake-day jobs) runs
 * in a worker thread (drain-side.ts), so its decoding and writing never delay an acknowledgement.
 *
 * Shutdown order (close(), idempotent): stop receiving MQTT messages (acknowledging those already
 * logged), let the drain side finish the batches in hand and close its stores, then close the
 * receive side's Redis. Whatever is still in the journal is drained by the next start or by another
 * ingest process.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { AggregatorRegistry } from 'prom-client';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import { DrainThread } from './drain-thread.ts';
import { Journal } from './journal.ts';
import { JournalAppender } from './journal-appender.ts';
import { IngestMetrics } from './metrics.ts';
import { MqttReceiver } from './mqtt-receiver.ts';

/** How long /healthz waits for Redis to answer a PING. */
const HEALTH_PING_MS = 1_000;
/** How often the age of the journal's oldest entry is checked, for /healthz and the metrics. */
const JOURNAL_CHECK_MS = 5_000;

/** What /healthz says: ok; unavailable (Redis or every MQTT connection down); stalled (the journal is not draining). */
export type IngestHealth = 'ok' | 'unavailable' | 'stalled';

export interface IngestDependencies {
  config: Config;
  logger: Logger;
  /**
   * Opens the receive side's Redis connection (the journal's appends), named for the server's
   * client list. The drain side runs in a worker thread and opens its stores there, from config:
   * a connection cannot cross threads.
   */
  redis: (name: string) => Redis;
  /** Told when the drain thread fails for good; main.ts exits so a supervisor restarts ingest. */
  onFailure: (err: Error) => void;
}

/** Ingest from its configuration and stores, as buildApp builds the API: nothing runs until start(). */
export function buildIngest(deps: IngestDependencies): IngestService {
  return new IngestService(deps);
}

export class IngestService {
  readonly metrics = new IngestMetrics({ processMetrics: true });
  private readonly config: Config;
  private readonly logger: Logger;
  private readonly appendRedis: Redis;
  private readonly receiver: MqttReceiver;
  private readonly drain: DrainThread;
  /** The log as the drain sees it, read on the append connection to judge whether it drains. */
  private readonly journal: Journal;
  private journalTimer: NodeJS.Timeout | undefined;
  private checkingJournal = false;
  private stalled = false;
  private closing: Promise<void> | undefined;

  constructor({ config, logger, redis, onFailure }: IngestDependencies) {
    this.config = config;
    this.logger = logger;
    const { ingest } = config;
    // Appends from every MQTT connection share one connection, one XADD at a time but for entries past 1 MB (journal-appender.ts).
    this.appendRedis = redis('log-append');
    this.journal = new Journal(this.appendRedis, { stream: ingest.journalStream });
    const appender = new JournalAppender({
      journal: this.journal,
      metrics: this.metrics,
      logger,
      minIntervalMs: ingest.appendIntervalMs,
    });
    this.receiver = new MqttReceiver({
      url: config.mqtt.url,
      username: config.mqtt.username,
      password: config.mqtt.password,
      clientIdPrefix: `ingest-${ingest.id}`,
      connections: ingest.mqttConnections,
      shareGroup: ingest.shareGroup,
      journal: appender,
      metrics: this.metrics,
      logger,
    });
    this.drain = new DrainThread(config, onFailure);
  }

  /**
   * Subscribes without waiting for Redis: with Redis down, what arrives waits unacknowledged for its
   * append (the broker's in-flight window bounds it) and the broker keeps the rest in ingest's
   * sessions, which a first start would otherwise not have created yet.
   */
  async start(): Promise<void> {
    void this.warnIfLogNotDurable();
    this.journalTimer = setInterval(() => void this.checkJournal(), JOURNAL_CHECK_MS);
    await this.drain.started();
    if (this.closing) return; // a signal came while the drain thread was loading
    await this.receiver.start();
    this.logger.info({ id: this.config.ingest.id, connections: this.config.ingest.mqttConnections }, 'ingest started');
  }

  /** Acknowledged readings are only as safe as the Redis that holds the journal: say so when it is not. */
  private async warnIfLogNotDurable(): Promise<void> {
    try {
      const aof = await this.appendRedis.config('GET', 'appendonly');
      if (aof[1] !== 'yes') {
        this.logger.warn(
          'Redis has appendonly=no: a Redis restart would lose acknowledged readings not yet in InfluxDB (see docs/ingest.md)',
        );
      }
    } catch (err) {
      if (this.closing) return; // the connection closed before Redis came up
      // Managed Redis services often disable CONFIG; that is no reason not to start.
      this.logger.warn({ err }, 'cannot verify that Redis keeps an append-only file (CONFIG GET refused)');
    }
  }

  /**
   * Judges whether the journal drains: stalled when its oldest entry waits longer than the configured
   * threshold (INGEST_STALL_AFTER_S). One test covers both ways a drain stops: a batch that never
   * leaves the journal while others pass it, and no progress at all with entries waiting (the oldest
   * then ages past the threshold). Skipped while Redis is down: that is unhealthy on its own, and
   * commands would wait for the reconnect.
   */
  private async checkJournal(): Promise<void> {
    if (this.checkingJournal || this.appendRedis.status !== 'ready') return;
    this.checkingJournal = true;
    try {
      const { oldestMs, nowMs } = await this.journal.oldestEntry();
      const ageMs = oldestMs === undefined ? 0 : Math.max(0, nowMs - oldestMs);
      const stalled = ageMs > this.config.ingest.stallAfterMs;
      if (stalled !== this.stalled) {
        if (stalled)
          this.logger.error({ oldestEntryAgeS: Math.round(ageMs / 1000) }, 'the durable journal is not draining; /healthz answers 503');
        else this.logger.info('the durable journal drains again');
      }
      this.stalled = stalled;
      this.metrics.logOldestEntryAgeSeconds.set(ageMs / 1000);
      this.metrics.logStalled.set(stalled ? 1 : 0);
    } catch (err) {
      this.logger.warn({ err }, 'could not check the age of the durable journal');
    } finally {
      this.checkingJournal = false;
    }
  }

  /** Prometheus text of both threads' metrics. */
  async metricsText(): Promise<{ contentType: string; text: string }> {
    const merged = AggregatorRegistry.aggregate([await this.metrics.registry.getMetricsAsJSON(), await this.drain.metrics()]);
    return { contentType: merged.contentType, text: await merged.metrics() };
  }

  /**
   * ok when Redis answers a PING within 1 s, at least one MQTT connection is up and the journal
   * drains (checkJournal); otherwise which of these is not so.
   */
  async health(): Promise<IngestHealth> {
    if (!(await this.receiving())) return 'unavailable';
    return this.stalled ? 'stalled' : 'ok';
  }

  private async receiving(): Promise<boolean> {
    // Commands wait for a reconnect (createRedis), so a PING would hang while Redis is down.
    if (this.appendRedis.status !== 'ready') return false;
    try {
      const pong = await Promise.race([this.appendRedis.ping(), sleep(HEALTH_PING_MS, 'timed out')]);
      return pong === 'PONG' && ((await this.metrics.connected.get()).values[0]?.value ?? 0) > 0;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.journalTimer);
      await this.receiver.close();
      if (!(await this.drain.stop()))
        this.logger.warn('the drain did not finish its batches in time (a store down?); they stay in the journal for the next start');
      this.appendRedis.disconnect();
      this.logger.info('ingest stopped');
    })();
    return this.closing;
  }
}
