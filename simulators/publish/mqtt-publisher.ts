/**
 * Publishes simulated messages to the broker at QoS 1 and reports how many the broker acknowledged.
 *
 * Shared mode (default): a few connections (4), each with many messages in flight; every meter's
 * messages go over one connection (chosen by its id), so they arrive in order. For benchmarks and
 * large fleets. Per-meter mode: one connection per meter, client id = meter id, a retained "online"
 * on meters/{id}/status at connect and "offline" as its last will (and at a clean close), as real
 * meters do; for small fleets.
 */
import type { IClientOptions } from 'mqtt';
import { statusTopic } from '../../domain/telemetry/index.ts';
import { UNTRACED_MQTT_CLIENT } from '../../platform/mqtt-untraced.ts';
import type { SimulatedMessage } from '../generation/simulated-message.ts';
import { hashSeed } from '../random/prng.ts';
import { connectClient } from './connect-client.ts';
import { ACCELERATED, createPacer, type PublishClock } from './publish-clock.ts';
import { DEFAULT_UNROUTED_RESEND, PublishChannel, type UnroutedResend } from './publish-channel.ts';
import type { PublishProgress, PublishReport } from './publish-report.ts';

export interface MqttPublisherOptions {
  /** mqtt://host:port (MQTT_URL). */
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** Shared connections (default 4). */
  connections?: number;
  /** Unacknowledged messages allowed per connection (default 1000). */
  maxInFlightPerConnection?: number;
  /** Client ids of shared connections: prefix-pid-n (default "wim-simulator"). */
  clientIdPrefix?: string;
  /** MQTT 5 (default) reports refused publishes in the PUBACK; 3.1.1 cannot. */
  protocolVersion?: 4 | 5;
  /** One connection per meter with status and last will (default false). */
  perMeterConnections?: boolean;
  /** Login of a meter's own connection; in production meters log in as their meter id. Default: username/password above. */
  meterCredentials?: (meterId: string) => { username: string; password?: string | undefined };
  /** Give up on messages in flight when no acknowledgement arrives for this long (default 30 s). */
  stallTimeoutMs?: number;
  /** Per connection attempt (default 10 s). */
  connectTimeoutMs?: number;
  /** Wait before reconnecting a dropped connection (default 1000 ms). */
  reconnectPeriodMs?: number;
  /**
   * A message whose PUBACK says "no matching subscribers" (reason code 16) was not delivered: sent
   * again every `everyMs` for at most `forMs` (default every 100 ms for 30 s), then failed.
   */
  unroutedResend?: UnroutedResend;
}

export interface PublishOptions {
  /** Accelerated (default, as fast as acknowledged) or realtime. */
  clock?: PublishClock;
  /** Stops taking new messages; those in flight are still awaited. */
  signal?: AbortSignal;
  /** Shown in progress as the total. */
  expectedTotal?: number;
  onProgress?: (progress: PublishProgress) => void;
  /** Default 5000 ms. */
  progressIntervalMs?: number;
}

const MAX_ERRORS_KEPT = 10;

export class MqttPublisher {
  private readonly options: MqttPublisherOptions;
  private readonly shared: PublishChannel[] = [];
  private readonly perMeter = new Map<string, Promise<PublishChannel>>();
  private readonly channelOfMeter = new Map<string, PublishChannel>();
  private readonly counts = { sent: 0, acked: 0, failed: 0, statusMessages: 0 };
  private readonly errors = new Set<string>();
  private lastSettledAt = Date.now();
  private publishing = false;

  private constructor(options: MqttPublisherOptions) {
    this.options = options;
  }

  /** Connects the shared connections (per-meter ones open as their meters first publish). */
  static async connect(options: MqttPublisherOptions): Promise<MqttPublisher> {
    const publisher = new MqttPublisher(options);
    if (!options.perMeterConnections) {
      const count = options.connections ?? 4;
      if (!Number.isInteger(count) || count < 1) throw new RangeError(`connections must be a whole number >= 1, got ${count}`);
      const prefix = `${options.clientIdPrefix ?? 'wim-simulator'}-${process.pid}-${Date.now().toString(36)}`;
      const clients = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          connectClient(options.url, publisher.clientOptions(`${prefix}-${i}`, options.username, options.password)),
        ),
      );
      publisher.shared.push(...clients.map((client) => publisher.channel(client)));
    }
    return publisher;
  }

  /**
   * Publishes every message, in order per meter, and resolves when all are acknowledged or failed.
   * One publish at a time per publisher; call it again for another batch.
   */
  async publish(messages: Iterable<SimulatedMessage>, options: PublishOptions = {}): Promise<PublishReport> {
    if (this.publishing) throw new Error('this publisher is already publishing; wait for it or use another one');
    this.publishing = true;
    this.errors.clear();
    try {
      return await this.publishAll(messages, options);
    } finally {
      this.publishing = false;
    }
  }

  private async publishAll(messages: Iterable<SimulatedMessage>, options: PublishOptions): Promise<PublishReport> {
    const startedAt = Date.now();
    const before = { ...this.counts };
    const resentBefore = this.resentCount();
    let published = 0;
    let aborted = false;
    const progress = (): PublishProgress => ({
      published,
      acked: this.counts.acked - before.acked,
      failed: this.counts.failed - before.failed,
      resent: this.resentCount() - resentBefore,
      inFlight: this.inFlight(),
      expectedTotal: options.expectedTotal,
      elapsedMs: Date.now() - startedAt,
    });
    const { onProgress } = options;
    const progressTimer = onProgress
      ? setInterval(() => {
          onProgress(progress());
        }, options.progressIntervalMs ?? 5000)
      : undefined;
    const watchdog = this.startStallWatchdog();
    const pacer = createPacer(options.clock ?? ACCELERATED);
    try {
      for (const message of messages) {
        if (options.signal?.aborted) break;
        const due = pacer.wait(message.sentAtMs, options.signal);
        if (due) await due;
        const channel = this.channelOfMeter.get(message.meterId) ?? (await this.openChannelFor(message.meterId));
        const room = channel.room();
        if (room) await room;
        if (this.inFlight() === 0) this.lastSettledAt = Date.now();
        this.counts.sent++;
        channel.send(message.topic, message.payload);
        published++;
      }
    } catch (error) {
      if (!(error instanceof Error && error.name === 'AbortError')) throw error;
    } finally {
      aborted = options.signal?.aborted ?? false;
      await Promise.all(this.allChannels().map((c) => c.drained()));
      clearInterval(progressTimer);
      clearInterval(watchdog);
    }
    const final = progress();
    return {
      ...final,
      ackedPerS: final.elapsedMs > 0 ? Math.round((final.acked * 1000) / final.elapsedMs) : final.acked,
      statusMessages: this.counts.statusMessages - before.statusMessages,
      aborted,
      errors: [...this.errors],
    };
  }

  /** Closes every connection; per-meter connections first publish a retained "offline". */
  async close(): Promise<void> {
    await Promise.all(
      [...this.perMeter].map(async ([meterId, opening]) => {
        const channel = await opening.catch(() => undefined);
        if (!channel) return;
        await channel.client.publishAsync(statusTopic(meterId), 'offline', { qos: 1, retain: true });
        this.counts.statusMessages++;
        await channel.client.endAsync();
      }),
    );
    await Promise.all(this.shared.map((c) => c.client.endAsync()));
  }

  private clientOptions(clientId: string, username: string | undefined, password: string | undefined): IClientOptions {
    return {
      clientId,
      username,
      password,
      protocolVersion: this.options.protocolVersion ?? 5,
      clean: true,
      reconnectPeriod: this.options.reconnectPeriodMs ?? 1000,
      connectTimeout: this.options.connectTimeoutMs ?? 10_000,
      ...UNTRACED_MQTT_CLIENT,
    };
  }

  private channel(client: PublishChannel['client']): PublishChannel {
    return new PublishChannel(
      client,
      this.options.maxInFlightPerConnection ?? 1000,
      (error) => {
        this.lastSettledAt = Date.now();
        if (error === undefined) {
          this.counts.acked++;
        } else {
          this.counts.failed++;
          if (this.errors.size < MAX_ERRORS_KEPT) this.errors.add(error.message);
        }
      },
      this.options.unroutedResend ?? DEFAULT_UNROUTED_RESEND,
    );
  }

  private async openChannelFor(meterId: string): Promise<PublishChannel> {
    if (!this.options.perMeterConnections) {
      const channel = this.shared[hashSeed(meterId) % this.shared.length];
      if (!channel) throw new Error('publisher has no connection (closed?)');
      this.channelOfMeter.set(meterId, channel);
      return channel;
    }
    let opening = this.perMeter.get(meterId);
    if (!opening) {
      opening = this.openMeterConnection(meterId);
      this.perMeter.set(meterId, opening);
    }
    const channel = await opening;
    this.channelOfMeter.set(meterId, channel);
    return channel;
  }

  private async openMeterConnection(meterId: string): Promise<PublishChannel> {
    const login = this.options.meterCredentials?.(meterId) ?? {
      username: this.options.username,
      password: this.options.password,
    };
    const client = await connectClient(this.options.url, {
      ...this.clientOptions(meterId, login.username, login.password),
      will: { topic: statusTopic(meterId), payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    await client.publishAsync(statusTopic(meterId), 'online', { qos: 1, retain: true });
    this.counts.statusMessages++;
    return this.channel(client);
  }

  private allChannels(): PublishChannel[] {
    return [...new Set([...this.shared, ...this.channelOfMeter.values()])];
  }

  private resentCount(): number {
    return this.allChannels().reduce((sum, c) => sum + c.resent, 0);
  }

  private inFlight(): number {
    return this.counts.sent - this.counts.acked - this.counts.failed;
  }

  /** When the broker stops acknowledging, fail what is in flight instead of waiting for ever. */
  private startStallWatchdog(): ReturnType<typeof setInterval> {
    const limit = this.options.stallTimeoutMs ?? 30_000;
    return setInterval(
      () => {
        if (this.inFlight() === 0 || Date.now() - this.lastSettledAt < limit) return;
        const reason = new Error(`no acknowledgement from the broker for ${Math.round(limit / 1000)} s`);
        for (const channel of this.allChannels()) channel.abandon(reason);
      },
      Math.min(limit, 1000),
    );
  }
}
