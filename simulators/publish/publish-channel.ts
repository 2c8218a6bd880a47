/**
 * One MQTT connection that publishes at QoS 1 with many messages in flight: up to `maxInFlight`
 * unacknowledged at once (mqtt.js itself has no limit and would buffer without end), in call order,
 * so a meter's messages on one channel reach the broker in order.
 */
import type { MqttClient } from 'mqtt';

export class PublishChannel {
  readonly client: MqttClient;
  private readonly maxInFlight: number;
  private readonly onSettled: (error: Error | undefined) => void;
  private inFlight = 0;
  private abandoned = false;
  private roomWaiter: (() => void) | undefined;
  private drainWaiters: (() => void)[] = [];

  /** `onSettled` is called once per message: with undefined when the broker acknowledged it. */
  constructor(client: MqttClient, maxInFlight: number, onSettled: (error: Error | undefined) => void) {
    this.client = client;
    this.maxInFlight = maxInFlight;
    this.onSettled = onSettled;
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
    this.client.publish(topic, payload, { qos: 1, retain }, (error) => {
      if (this.abandoned) return; // already counted as failed
      this.inFlight--;
      this.onSettled(error ?? undefined);
      this.wake();
    });
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
