/**
 * The MQTT side of ingest: several MQTT 5 connections in one shared subscription, each with a
 * persistent session (so the broker keeps its messages while ingest is down) and a client id
 * stable across restarts. Each message is handed to the durable log at once and acknowledged by
 * the connection's AckSequencer when it is in it, so a connection has up to `receiveMaximum`
 * messages on their way to the log, not one (docs/ingest.md, "Acknowledgement").
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { READINGS_TOPIC_FILTER, STATUS_TOPIC_FILTER } from '../common/telemetry/meter-contract.ts';
import { AckSequencer } from './ack-sequencer.ts';
import type { LogAppender } from './log-appender.ts';
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
  /** The durable log: a message is acknowledged once the log reports it durable. */
  log: Pick<LogAppender, 'append' | 'close'>;
  metrics: IngestMetrics;
  logger: Logger;
}

/** How long the broker keeps a session (and queues its messages) while ingest is away: 7 days. */
const SESSION_EXPIRY_S = 7 * 24 * 3600;

/**
 * Passed to mqtt.js's handleMessage callback so that it goes on to the next message without sending
 * a PUBACK of its own (lib/handlers/publish.js skips the PUBACK when the callback gets an error);
 * the AckSequencer sends it once the message is durable.
 */
const ACK_DEFERRED = new Error('acknowledged by ingest once durable');

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
  private readonly sequencers: AckSequencer[] = [];
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
    const acks = new AckSequencer((bytes) => {
      if (client.connected && client.stream.writable) client.stream.write(bytes);
    });
    this.sequencers.push(acks);
    client.on('close', () => { acks.reset(); });
    const countDurable = (receivedMs: number) => {
      o.metrics.ackLagSeconds.observe((Date.now() - receivedMs) / 1000);
      o.metrics.acked.inc();
    };
    client.handleMessage = (packet, done) => {
      const receivedMs = Date.now();
      o.metrics.received.inc();
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      if (packet.qos === 1 && packet.messageId !== undefined) {
        const durable = acks.expect(packet.messageId);
        done(ACK_DEFERRED);
        o.log.append(packet.topic, payload, receivedMs, () => {
          countDurable(receivedMs);
          durable();
        });
        return;
      }
      // QoS 0 (a meter's status as last will may be sent so) has nothing to acknowledge; QoS 2
      // (not subscribed for, so only from a broker that ignores the granted QoS) is completed by
      // mqtt.js, once the message is durable.
      if (packet.qos === 0) done();
      o.log.append(packet.topic, payload, receivedMs, () => {
        countDurable(receivedMs);
        if (packet.qos > 0) done();
      });
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
          // QoS 0 would deliver without acknowledgements: nothing could be held until durable.
          const downgraded = granted?.filter((g) => g.qos === 0).map((g) => g.topic) ?? [];
          const failure =
            err ??
            (refused.length ? new Error(`broker refused subscription to ${refused.join(', ')} (check the ACL)`) : undefined) ??
            (downgraded.length ? new Error(`broker granted only QoS 0 for ${downgraded.join(', ')}; ingest needs QoS 1`) : undefined);
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
   * Stops taking messages: appends already under way finish and their messages are acknowledged;
   * appends still retrying are abandoned, and those messages are redelivered by the broker (a
   * duplicate overwrites itself in InfluxDB). Then the connections close.
   * Idempotent.
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.o.log.close();
      for (const acks of this.sequencers) acks.flush();
      await Promise.all(this.clients.map((c) => c.endAsync(false)));
      this.o.metrics.connected.set(0);
    })();
    return this.closed;
  }
}
