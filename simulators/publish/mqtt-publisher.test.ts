/**
 * Publishing against real brokers: the shared development Mosquitto on 127.0.0.1:1883 (anonymous)
 * and, for failure cases and the full-fleet delivery, a broker of the test's own.
 */
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { statusTopic } from '../../domain/telemetry/index.ts';
import { assignScenarios } from '../fleet/assign-scenarios.ts';
import { generateFleet } from '../fleet/generate-fleet.ts';
import { fleetMessages } from '../generation/fleet-messages.ts';
import type { SimulatedMessage } from '../generation/simulated-message.ts';
import { parseScenarioSpecs } from '../scenarios/scenario-spec.ts';
import { JUNE_WEEK } from '../testing/test-meter.ts';
import { INGESTER, SIMULATOR, startBroker } from '../../test/services/mosquitto.ts';
import { MqttPublisher } from './mqtt-publisher.ts';

const BROKER = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
/** Ids of this run only, so other users of the shared broker do not disturb the counts. */
const PREFIX = `T${process.pid.toString(36)}${Date.now().toString(36)}-`;

interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

async function subscriber(filter: string, url = BROKER, login: IClientOptions = {}): Promise<{ client: MqttClient; received: Received[] }> {
  const client = await connectAsync(url, { protocolVersion: 5, clean: true, ...login });
  const received: Received[] = [];
  client.on('message', (topic, payload, packet) => {
    if (topic.startsWith(`meters/${PREFIX}`)) received.push({ topic, payload: payload.toString('utf8'), retain: packet.retain });
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return { client, received };
}

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('MqttPublisher', () => {
  it('publishes a fleet at QoS 1 over several connections; a subscriber receives every message, in order per meter', async () => {
    const fleet = assignScenarios(
      generateFleet({ count: 20, seed: 5, meterIdPrefix: PREFIX }),
      parseScenarioSpecs('offline-gap:0.3,duplicates:0.3,malformed:0.2,unregistered:0.1'),
      5,
    );
    const options = { from: JUNE_WEEK.from, to: JUNE_WEEK.from + 86_400_000, seed: 5 };
    const messages: SimulatedMessage[] = [...fleetMessages(fleet, options)];
    expect(messages.some((m) => m.kind === 'backlog')).toBe(true);
    expect(messages.some((m) => m.defect === 'oversize' || m.kind === 'malformed')).toBe(true);

    // A broker of its own from the shipped config (deploy/mosquitto/mosquitto.conf), for its queue:
    // the development broker keeps Mosquitto's default of 1000 queued messages per client, and
    // drops what a subscriber slowed by a busy machine has not taken beyond that.
    const broker = await startBroker();
    const { client, received } = await subscriber('meters/+/readings', broker.url, INGESTER);
    const publisher = await MqttPublisher.connect({ url: broker.url, ...SIMULATOR, connections: 3, maxInFlightPerConnection: 50 });
    try {
      const progress: number[] = [];
      const report = await publisher.publish(messages, {
        expectedTotal: messages.length,
        progressIntervalMs: 5,
        onProgress: (p) => progress.push(p.published),
      });
      expect(report).toMatchObject({ published: messages.length, acked: messages.length, failed: 0, inFlight: 0, aborted: false });
      expect(report.errors).toEqual([]);
      await until(() => received.length >= messages.length);
      expect(received).toHaveLength(messages.length);
      const byTopic = (list: { topic: string; payload: string }[]) => {
        const map = new Map<string, string[]>();
        for (const { topic, payload } of list) map.set(topic, [...(map.get(topic) ?? []), payload]);
        return map;
      };
      expect(byTopic(received)).toEqual(byTopic(messages));
    } finally {
      await publisher.close();
      await client.endAsync();
      await broker.stop();
    }
  });

  it('opens a connection per meter with a retained online status and offline at close', async () => {
    const fleet = generateFleet({ count: 3, seed: 1, meterIdPrefix: `${PREFIX}S` });
    const { client, received } = await subscriber('meters/+/status');
    // A reader of the readings, as ingest is: a reading no subscription matches is not delivered, and is sent again.
    const readings = await subscriber('meters/+/readings');
    const publisher = await MqttPublisher.connect({ url: BROKER, perMeterConnections: true });
    try {
      const messages = [...fleetMessages(fleet, { from: JUNE_WEEK.from, to: JUNE_WEEK.from + 3_600_000, seed: 1 })];
      const report = await publisher.publish(messages);
      expect(report).toMatchObject({ published: 12, acked: 12, failed: 0, statusMessages: 3 });
      await until(() => received.length >= 3);
      expect(received.map((r) => [r.topic, r.payload]).sort()).toEqual(fleet.map((m) => [statusTopic(m.meterId), 'online']));
      await publisher.close();
      await until(() => received.length >= 6);
      expect(received.slice(3).map((r) => r.payload)).toEqual(['offline', 'offline', 'offline']);
      // A newcomer sees the retained status.
      const late = await subscriber(statusTopic(fleet[0]?.meterId ?? ''));
      await until(() => late.received.length >= 1);
      expect(late.received[0]).toMatchObject({ payload: 'offline', retain: true });
      await late.client.endAsync();
    } finally {
      for (const member of fleet) await client.publishAsync(statusTopic(member.meterId), '', { qos: 1, retain: true });
      await client.endAsync();
      await readings.client.endAsync();
    }
  });
});

describe('MqttPublisher on a broker of its own', () => {
  const fleet = generateFleet({ count: 5, seed: 1, meterIdPrefix: PREFIX });
  const messages = [...fleetMessages(fleet, { from: JUNE_WEEK.from, to: JUNE_WEEK.from + 10 * 3_600_000, seed: 1 })];

  it('counts publishes the broker refuses as failed, with the reason', async () => {
    const broker = await startBroker({ acl: `user ${SIMULATOR.username}\ntopic read meters/#\n` });
    const publisher = await MqttPublisher.connect({ url: broker.url, connections: 2, ...SIMULATOR });
    try {
      const report = await publisher.publish(messages);
      expect(report).toMatchObject({ published: messages.length, acked: 0, failed: messages.length });
      expect(report.errors.join(' ')).toMatch(/Not authorized/);
    } finally {
      await publisher.close();
      await broker.stop();
    }
  });

  it('gives up on messages in flight when the broker stops answering', async () => {
    const broker = await startBroker();
    const publisher = await MqttPublisher.connect({ url: broker.url, ...SIMULATOR, connections: 1, stallTimeoutMs: 1000 });
    try {
      broker.process.signal('SIGSTOP');
      const report = await publisher.publish(messages);
      expect(report).toMatchObject({ published: messages.length, acked: 0, failed: messages.length, inFlight: 0 });
      expect(report.errors.join(' ')).toMatch(/no acknowledgement/);
    } finally {
      broker.process.signal('SIGCONT');
      await publisher.close();
      await broker.stop();
    }
  });

  it('sends again a message the broker acknowledged with "no matching subscribers" (reason code 16), until one subscribes', async () => {
    const broker = await startBroker();
    const publisher = await MqttPublisher.connect({ url: broker.url, ...SIMULATOR, connections: 1 });
    const [first] = messages;
    if (!first) throw new Error('no message generated');
    let resent = 0;
    try {
      const publishing = publisher.publish([first], { progressIntervalMs: 5, onProgress: (p) => (resent = p.resent) });
      // Nobody subscribes yet: the broker answers reason code 16 and the publisher tries again.
      await until(() => resent > 0);
      const late = await subscriber(first.topic, broker.url, INGESTER);
      const report = await publishing;
      expect(report).toMatchObject({ published: 1, acked: 1, failed: 0 });
      expect(report.resent).toBeGreaterThan(0);
      await until(() => late.received.length >= 1);
      expect(late.received[0]?.payload).toBe(first.payload);
      await late.client.endAsync();
    } finally {
      await publisher.close();
      await broker.stop();
    }
  });

  it('gives a message up as failed when no subscriber appears within its resend window', async () => {
    const broker = await startBroker();
    const publisher = await MqttPublisher.connect({
      url: broker.url,
      ...SIMULATOR,
      connections: 1,
      unroutedResend: { everyMs: 50, forMs: 300 },
    });
    try {
      const report = await publisher.publish(messages.slice(0, 3));
      expect(report).toMatchObject({ published: 3, acked: 0, failed: 3 });
      expect(report.errors.join(' ')).toMatch(/no matching subscribers/);
    } finally {
      await publisher.close();
      await broker.stop();
    }
  });

  it('fails to connect with a message naming the broker', async () => {
    const broker = await startBroker();
    const url = broker.url;
    await broker.stop();
    await expect(MqttPublisher.connect({ url, connectTimeoutMs: 2000 })).rejects.toThrow(
      /cannot connect to MQTT broker mqtt:\/\/127\.0\.0\.1/,
    );
  });
});
