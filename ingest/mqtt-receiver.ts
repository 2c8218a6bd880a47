/**
 * The MQTT side of ingest: several MQTT 5 connections in one shared subscription, each with a
 * persistent session (so the broker keeps its messages while ingest is down) and a client id
 * stable across restarts. mqtt.js handles a connection's messages one at a time and sends PUBACK
 * only when handleMessage calls back; we call back as soon as the message is in the durable log,
 * so a connection waits one Redis round trip per message, and N connections keep N appends in
 * flight, which Redis pipelines (docs/ingest.md, "Acknowledgement").
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { READINGS_TOPIC_FILTER, STATUS_TOPIC_FILTER } from '../common/telemetry/meter-contract.ts';
import { RetryAbortedError, retryUntilDone } from '../common/retry.ts';
import type { IngestMetrics } from './metrics.ts';

export interface MqttReceiverOptions {
  url: string;
  username: string | undefined;
  password: string | undefined;
  /** Client ids are `${clientIdPrefix}-${n}`; keep it stable so sessions resume after a restart. */
  clientIdPrefix: string;
  connections: number;
  /** Shared subscription group: every ingest process of one deployment uses the same. */
  shareGroup: string;
  /** Stores the message durably; the message is acknowledged once this resolves. */
  onMessage: (topic: string, payload: Buffer, receivedMs: number) => Promise<void>;
  metrics: IngestMetrics;
  logger: Logger;
}

/** How long the broker keeps a session (and queues its messages) while ingest is away: 7 days. */
const SESSION_EXPIRY_S = 7 * 24 * 3600;

/**
 * The messages logged together are acknowledged together: holding the socket corked until the
 * next turn of the event loop sends their PUBACKs in one write instead of one system call each.
 */
const corked = new WeakSet<object>();
function corkUntilNextTurn(stream: MqttClient['stream']): void {
  if (corked.has(stream)) return;
  corked.add(stream);
  stream.cork();
  setImmediate(() => {
    corked.delete(stream);
    stream.uncork();
  });
}
/**
 * Reconnect back-off: 200 ms doubling to 2 s. Kept short on purpose: after a broker restart,
 * Mosquitto 2.0 has forgotten the shared subscriptions, so whatever meters publish before ingest
 * has subscribed again finds no subscriber (docs/ingest.md, "Broker restart").
 */
const MIN_RECONNECT_MS = 200;
const MAX_RECONNECT_MS = 2_000;

export class MqttReceiver {
  private readonly o: MqttReceiverOptions;
  private readonly clients: MqttClient[] = [];
  private readonly stopping = new AbortController();
  private closed: Promise<void> | undefined;

  constructor(options: MqttReceiverOptions) {
    this.o = options;
  }

  /** Connects every client and resolves when all are subscribed. */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.o.connections }, (_, n) => this.connect(n)));
  }

  private connect(n: number): Promise<void> {
    const { o } = this;
    const options: IClientOptions = {
      protocolVersion: 5,
      clientId: `${o.clientIdPrefix}-${n}`,
      clean: false,
      properties: { sessionExpiryInterval: SESSION_EXPIRY_S, receiveMaximum: 1000 },
      reconnectPeriod: MIN_RECONNECT_MS,
      connectTimeout: 10_000,
      keepalive: 30,
      resubscribe: false,
      // mqtt.js traces every packet through `debug` unless given a logger: a measurable share of
      // the acknowledgement loop's time at tens of thousands of messages a second.
      log: () => undefined,
      ...(o.username === undefined ? {} : { username: o.username }),
      ...(o.password === undefined ? {} : { password: o.password }),
    };
    const client = mqtt.connect(o.url, options);
    this.clients.push(client);
    client.handleMessage = (packet, done) => {
      const receivedMs = Date.now();
      o.metrics.received.inc();
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      retryUntilDone(() => o.onMessage(packet.topic, payload, receivedMs), {
        signal: this.stopping.signal,
        maxDelayMs: 5_000,
        onRetry: (err, attempt) => {
          o.metrics.writeFailures.inc({ store: 'redis' });
          if (attempt === 1 || attempt % 20 === 0) o.logger.warn({ err, attempt }, 'durable log unavailable; holding acknowledgement');
        },
      }).then(
        () => {
          o.metrics.ackLagSeconds.observe((Date.now() - receivedMs) / 1000);
          o.metrics.acked.inc();
          corkUntilNextTurn(client.stream);
          done();
        },
        (err: unknown) => {
          // Shutting down before the message was logged: leave it unacknowledged for redelivery.
          if (!(err instanceof RetryAbortedError)) o.logger.error({ err }, 'message could not be logged');
        },
      );
    };
    this.backOffReconnects(client, n);
    // Subscribe on every connect, not only when the broker reports no session: Mosquitto 2.0
    // restores a persistent session after a restart without its shared subscriptions, and would
    // then drop the stream for want of a subscriber (found by ingest.resilience.test.ts).
    return new Promise((resolve, reject) => {
      const filters = [READINGS_TOPIC_FILTER, STATUS_TOPIC_FILTER].map((t) => `$share/${o.shareGroup}/${t}`);
      client.on('connect', () => {
        client.subscribe(filters, { qos: 1 }, (err, granted) => {
          const refused = granted?.filter((g) => g.qos >= 128).map((g) => g.topic) ?? [];
          const failure = err ?? (refused.length ? new Error(`broker refused subscription to ${refused.join(', ')} (check the ACL)`) : undefined);
          if (failure) {
            o.logger.error({ err: failure, connection: n }, 'subscription failed');
            reject(failure);
          } else resolve();
        });
      });
    });
  }

  /** Doubles the reconnect wait after each failed attempt, back to the minimum once connected. */
  private backOffReconnects(client: MqttClient, n: number): void {
    const { metrics, logger } = this.o;
    // The gauge is recounted on every change: mqtt.js also emits 'offline' after a first connect
    // that failed, so counting up and down would drift below zero.
    const recount = () => {
      metrics.connected.set(this.clients.filter((c) => c.connected).length);
    };
    client.on('connect', () => {
      client.options.reconnectPeriod = MIN_RECONNECT_MS;
      recount();
      logger.info({ connection: n }, 'mqtt connected');
    });
    client.on('close', () => {
      if (client.connected) return;
      client.options.reconnectPeriod = Math.min((client.options.reconnectPeriod ?? MIN_RECONNECT_MS) * 2, MAX_RECONNECT_MS);
    });
    client.on('offline', () => {
      recount();
      logger.warn({ connection: n }, 'mqtt connection lost; reconnecting');
    });
    client.on('error', (err) => { logger.warn({ err, connection: n }, 'mqtt error'); });
  }

  /**
   * Stops taking messages: acknowledgements already due are sent, handlers still waiting for the
   * log are abandoned, and those messages are redelivered by the broker (a duplicate overwrites
   * itself in InfluxDB).
   * Idempotent.
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.stopping.abort();
      await Promise.all(this.clients.map((c) => c.endAsync(false)));
      this.o.metrics.connected.set(0);
    })();
    return this.closed;
  }
}
