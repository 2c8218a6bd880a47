/**
 * One MQTT connection that publishes at QoS 1 with many messages in flight: up to `maxInFlight`
 * unacknowledged at once (mqtt.js itself has no limit and would buffer without end), in call order,
 * so a meter's messages on one channel reach the broker in order (but for a message sent again
 * after "no matching subscribers", which goes after those sent meanwhile).
 */
import type { MqttClient, Packet } from 'mqtt';

/** MQTT 5 PUBACK reason code 16: the broker took the message but no subscription matched it, so it went nowhere. */
export const NO_MATCHING_SUBSCRIBERS = 16;

/** How a channel treats a PUBACK saying "no matching subscribers": sent again every `everyMs`, for at most `forMs`. */
export interface UnroutedResend {
  everyMs: number;
  forMs: number;
}

/** Long enough for ingest to subscribe again after a broker restart, which the broker forgets (docs/ingest.md). */
export const DEFAULT_UNROUTED_RESEND: UnroutedResend = { everyMs: 100, forMs: 30_000 };

export class PublishChannel {
  readonly client: MqttClient;
  private readonly maxInFlight: number;
  private readonly onSettled: (error: Error | undefined) => void;
  private inFlight = 0;
  private abandoned = false;
  private roomWaiter: (() => void) | undefined;
  private drainWaiters: (() => void)[] = [];
  private readonly unroutedResend: UnroutedResend;
  /** Message ids whose PUBACK said "no matching subscribers" (mqtt.js reports that as success). */
  private readonly unrouted = new Set<number>();
  /** Messages sent again because no subscription matched them. */
  resent = 0;

  /**
   * `onSettled` is called once per message: with undefined when the broker acknowledged it. A
   * PUBACK with reason code 16 ("no matching subscribers": e.g. a broker restarted without the
   * ingester's shared subscription) is not a delivery: such a message is sent again.
   */
  constructor(
    client: MqttClient,
    maxInFlight: number,
    onSettled: (error: Error | undefined) => void,
    unroutedResend = DEFAULT_UNROUTED_RESEND,
  ) {
    this.client = client;
    this.maxInFlight = maxInFlight;
    this.onSettled = onSettled;
    this.unroutedResend = unroutedResend;
    // The reason code is seen only here: mqtt.js settles the publish as a success and hands its
    // callback the stored PUBLISH, not the PUBACK.
    client.on('packetreceive', (packet: Packet) => {
      if (packet.cmd === 'puback' && packet.reasonCode === NO_MATCHING_SUBSCRIBERS && packet.messageId !== undefined)
        this.unrouted.add(packet.messageId);
    });
  }

  /**
   * Undefined when there is room for another message now; otherwise resolves once half the window
   * is free again (refilling in bursts costs one wake-up per burst instead of one per message).
   */
  room(): Promise<void> | undefined {
    if (this.inFlight < this.maxInFlight || this.abandoned) return undefined;
    return new Promise((resolve) => (this.roomWaiter = resolve));
  }

  send(topic: string, payload: string, retain = false): void {
    if (this.abandoned) {
      this.onSettled(new Error('connection abandoned'));
      return;
    }
    this.inFlight++;
    this.publishUntilRouted(topic, payload, retain, Date.now());
  }

  private publishUntilRouted(topic: string, payload: string, retain: boolean, firstSentMs: number): void {
    this.client.publish(topic, payload, { qos: 1, retain }, (error, packet) => {
      if (this.abandoned) return; // already counted as failed
      let failure = error ?? undefined;
      if (!failure && this.wasUnrouted(packet)) {
        const { everyMs, forMs } = this.unroutedResend;
        if (Date.now() - firstSentMs < forMs) {
          this.resent++;
          setTimeout(() => {
            if (!this.abandoned) this.publishUntilRouted(topic, payload, retain, firstSentMs);
          }, everyMs);
          return;
        }
        failure = new Error(`no matching subscribers (PUBACK reason code ${NO_MATCHING_SUBSCRIBERS}) for ${Math.round(forMs / 1000)} s`);
      }
      this.inFlight--;
      this.onSettled(failure);
      this.wake();
    });
  }

  private wasUnrouted(packet: Packet | undefined): boolean {
    const messageId = packet && 'messageId' in packet ? packet.messageId : undefined;
    return messageId !== undefined && this.unrouted.delete(messageId);
  }

  /** Resolves when every message sent so far is settled. */
  drained(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Gives up on the messages still in flight (the broker stopped answering): each fails once. */
  abandon(reason: Error): void {
    if (this.abandoned) return;
    this.abandoned = true;
    for (; this.inFlight > 0; this.inFlight--) this.onSettled(reason);
    this.wake();
  }

  private wake(): void {
    if (this.inFlight <= this.maxInFlight / 2 && this.roomWaiter) {
      const resolve = this.roomWaiter;
      this.roomWaiter = undefined;
      resolve();
    }
    if (this.inFlight === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
