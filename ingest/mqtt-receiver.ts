/**
 * The MQTT side of ingest: several MQTT 5 connections in one shared subscription, each with a
 * persistent session (so the broker keeps its messages while ingest is down) and a client id
 * stable across restarts. Each message is handed to the durable journal at once and acknowledged by
 * the connection's AckSequencer when it is in it, so a connection has up to `receiveMaximum`
 * messages on their way to the journal, not one (docs/ingest.md, "Acknowledgement").
 */
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { MAX_MQTT_CONNECTIONS } from '../platform/config.ts';
import { METERS_TOPIC_FILTER, READINGS_TOPIC_FILTER, STATUS_TOPIC_FILTER } from '../domain/telemetry/index.ts';
import { UNTRACED_MQTT_CLIENT } from '../platform/mqtt-untraced.ts';
import { AckSequencer } from './ack-sequencer.ts';
import type { JournalAppender } from './journal-appender.ts';
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
  /** The durable journal: a message is acknowledged once the journal reports it durable. */
  journal: Pick<JournalAppender, 'append' | 'close'>;
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
 * Reconnect schedule: every 20 ms for the first 10 s of an outage, then doubling to 2 s. After a
 * broker restart Mosquitto 2.0 has forgotten the shared subscriptions (docs/ingest.md, "Broker
 * restart"), and every moment it accepts meters before ingest has subscribed again, a reading can
 * find no subscriber: so ingest tries to be back the moment the broker listens. An attempt on a
 * port nobody listens on costs next to nothing; a broker away for long is not hammered.
 */
const FAST_RECONNECT_MS = 20;
const FAST_RECONNECT_FOR_MS = 10_000;
const MAX_RECONNECT_MS = 2_000;

/** A retiring session is ended once nothing has arrived on it for this long. */
const RETIRE_QUIET_MS = 2_000;

export class MqttReceiver {
  private readonly o: MqttReceiverOptions;
  private readonly clients: MqttClient[] = [];
  private readonly sequencers: AckSequencer[] = [];
  /** Clients retiring the sessions of connection numbers no longer configured; `answered` once the broker said whether a session was there. */
  private readonly retiring: { client: MqttClient; answered: boolean }[] = [];
  private retirements: Promise<unknown> = Promise.resolve();
  private closed: Promise<void> | undefined;

  constructor(options: MqttReceiverOptions) {
    this.o = options;
  }

  /**
   * Connects every client and resolves when all are subscribed; then, in the background, retires
   * the sessions of connection numbers an earlier configuration had and this one does not.
   */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.o.connections }, (_, n) => this.connect(n)));
    this.retirements = Promise.all(
      Array.from({ length: MAX_MQTT_CONNECTIONS - this.o.connections }, (_, k) => this.retire(this.o.connections + k)),
    );
  }

  private connect(n: number): Promise<void> {
    const { o } = this;
    const { client } = this.open(n, true);
    this.clients.push(client);
    this.backOffReconnects(client, n);
    // Subscribe on every connect, not only when the broker reports no session: Mosquitto 2.0
    // restores a persistent session after a restart without its shared subscriptions, and would
    // then drop the stream for want of a subscriber (found by ingest.resilience.test.ts).
    return new Promise((resolve, reject) => {
      client.on('connect', () => {
        client.subscribe(this.filters, { qos: 1 }, (err, granted) => {
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
            return;
          }
          // After the subscribe, so that no moment is left without a subscription.
          client.unsubscribe(this.formerFilters, (unsubscribeError) => {
            if (unsubscribeError)
              o.logger.warn({ err: unsubscribeError, connection: n }, 'could not drop the subscriptions of an earlier version');
          });
          resolve();
        });
      });
    });
  }

  /**
   * Connection number `n` of an earlier configuration with more connections: its session may
   * still hold a shared subscription, to which the broker goes on sending a share of the stream
   * (docs/ingest.md, "Shared subscription"). Resumes it, unsubscribes, stores what was queued for
   * it the usual way, and once nothing has come for RETIRE_QUIET_MS and all is acknowledged, ends
   * the session (DISCONNECT with session expiry 0). Interrupted by close(), a session that was
   * there stays, with what it still holds, to be retired at the next start. Without a session there
   * is nothing to do, and the one this connection opened is ended at once, close() or not: left to
   * close(), it would stay for 7 days (as an empty session, to be retired at the next start).
   */
  private async retire(n: number): Promise<void> {
    const { client, acks, lastMessageMs } = this.open(n, false);
    const retiring = { client, answered: false };
    this.retiring.push(retiring);
    client.on('error', (err) => {
      this.o.logger.debug({ err, connection: n }, 'mqtt error while retiring a session');
    });
    try {
      const connack = await new Promise<{ sessionPresent: boolean }>((resolve, reject) => {
        client.once('connect', resolve);
        client.once('error', reject);
        client.once('close', () => {
          reject(new Error('connection closed before CONNACK'));
        });
      });
      retiring.answered = true;
      if (connack.sessionPresent) {
        this.o.logger.info({ connection: n }, 'retiring the MQTT session of a connection no longer configured');
        await client.unsubscribeAsync([...this.filters, ...this.formerFilters]);
        while (!this.closed && (Date.now() - lastMessageMs() < RETIRE_QUIET_MS || acks.waiting > 0)) await sleep(100);
        if (this.closed) {
          await client.endAsync(false);
          return;
        }
      }
      await client.endAsync(false, { properties: { sessionExpiryInterval: 0 } });
      if (connack.sessionPresent) this.o.logger.info({ connection: n }, 'retired the MQTT session');
    } catch (err) {
      if (!this.closed)
        this.o.logger.warn({ err, connection: n }, 'could not retire an unconfigured MQTT session; will try at the next start');
      client.end(true);
    }
  }

  private get filters(): string[] {
    return [`$share/${this.o.shareGroup}/${METERS_TOPIC_FILTER}`];
  }

  /**
   * The filters of ingest before it subscribed to all of meters/#. A session resumed from then
   * still holds them, and a message matching two of a session's filters is delivered twice.
   */
  private get formerFilters(): string[] {
    return [READINGS_TOPIC_FILTER, STATUS_TOPIC_FILTER].map((t) => `$share/${this.o.shareGroup}/${t}`);
  }

  /** An MQTT client for connection number `n`, its messages logged and acknowledged once durable. */
  private open(n: number, reconnect: boolean): { client: MqttClient; acks: AckSequencer; lastMessageMs: () => number } {
    const { o } = this;
    const options: IClientOptions = {
      protocolVersion: 5,
      clientId: `${o.clientIdPrefix}-${n}`,
      clean: false,
      properties: { sessionExpiryInterval: SESSION_EXPIRY_S, receiveMaximum: 1000 },
      reconnectPeriod: reconnect ? FAST_RECONNECT_MS : 0,
      connectTimeout: 10_000,
      keepalive: 30,
      resubscribe: false,
      ...UNTRACED_MQTT_CLIENT,
      ...(o.username === undefined ? {} : { username: o.username }),
      ...(o.password === undefined ? {} : { password: o.password }),
    };
    const client = mqtt.connect(o.url, options);
    let lastMessageMs = Date.now();
    const acks = new AckSequencer((bytes) => {
      if (client.connected && client.stream.writable) client.stream.write(bytes);
    });
    this.sequencers.push(acks);
    client.on('close', () => {
      acks.reset();
    });
    client.handleMessage = (packet, done) => {
      const receivedMs = Date.now();
      lastMessageMs = receivedMs;
      o.metrics.received.inc();
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      o.journal.append(packet.topic, payload, receivedMs, onceDurable(o.metrics, receivedMs, settlementOf(packet, done, acks)));
    };
    return { client, acks, lastMessageMs: () => lastMessageMs };
  }

  /** Keeps reconnect attempts fast for the first seconds of an outage, then doubles the wait; fast again once connected. */
  private backOffReconnects(client: MqttClient, n: number): void {
    const { metrics, logger } = this.o;
    // The gauge is recounted on every change: mqtt.js also emits 'offline' after a first connect
    // that failed, so counting up and down would drift below zero.
    const recount = () => {
      metrics.connected.set(this.clients.filter((c) => c.connected).length);
    };
    // mqtt.js reports every failed attempt of a reconnect loop; the first of an outage says enough.
    let failing = false;
    let outageSinceMs: number | undefined;
    client.on('connect', () => {
      failing = false;
      outageSinceMs = undefined;
      client.options.reconnectPeriod = FAST_RECONNECT_MS;
      recount();
      logger.info({ connection: n }, 'mqtt connected');
    });
    client.on('close', () => {
      if (client.connected) return;
      outageSinceMs ??= Date.now();
      if (Date.now() - outageSinceMs < FAST_RECONNECT_FOR_MS) return;
      client.options.reconnectPeriod = Math.min((client.options.reconnectPeriod ?? FAST_RECONNECT_MS) * 2, MAX_RECONNECT_MS);
    });
    client.on('offline', () => {
      recount();
      logger.warn({ connection: n }, 'mqtt connection lost; reconnecting');
    });
    client.on('error', (err) => {
      if (!client.connected) {
        if (failing) return;
        failing = true;
      }
      logger.warn({ err, connection: n }, 'mqtt error');
    });
  }

  /**
   * Stops taking messages: appends already under way finish and their messages are acknowledged;
   * appends still retrying are abandoned, and those messages are redelivered by the broker (a
   * duplicate overwrites itself in InfluxDB). Then the connections close.
   * Idempotent.
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.o.journal.close();
      for (const acks of this.sequencers) acks.flush();
      // A retiring client the broker has answered ends itself (retire()); one still waiting for
      // the answer is ended here, keeping whatever session it had.
      const unanswered = this.retiring.filter((r) => !r.answered).map((r) => r.client);
      await Promise.all([...this.clients, ...unanswered].map((c) => c.endAsync(false)));
      await this.retirements;
      this.o.metrics.connected.set(0);
    })();
    return this.closed;
  }
}

/*
 * The log's callback for a message is held until its append returns, under load long enough to
 * outlive young-generation collections. It is made by these functions rather than inline, so that
 * it holds only what it uses: a closure keeps everything its enclosing function's closures share,
 * and inline it kept the MQTT packet and mqtt.js's own callbacks, which were then promoted to the
 * old generation with it.
 */

/**
 * Arranges what settles a message with the broker once it is durable. QoS 1: mqtt.js goes on at
 * once, and the AckSequencer acknowledges in arrival order. QoS 0 (a meter's status as last will
 * may be sent so) has nothing to acknowledge. QoS 2 (not subscribed for, so only from a broker that
 * ignores the granted QoS) is completed by mqtt.js, once the message is durable.
 */
function settlementOf(packet: IPublishPacket, done: (err?: Error) => void, acks: AckSequencer): () => void {
  if (packet.qos === 1 && packet.messageId !== undefined) {
    const durable = acks.expect(packet.messageId);
    done(ACK_DEFERRED);
    return durable;
  }
  if (packet.qos === 0) {
    done();
    return NOTHING_TO_SETTLE;
  }
  return done;
}

/** QoS 0: delivered at most once, so there is no acknowledgement to send. */
const NOTHING_TO_SETTLE = () => undefined;

/** The log's callback: counts the acknowledgement and its lag, then settles the message. */
function onceDurable(metrics: IngestMetrics, receivedMs: number, settle: () => void): () => void {
  return () => {
    metrics.ackLagSeconds.observe((Date.now() - receivedMs) / 1000);
    metrics.acked.inc();
    settle();
  };
}
