/**
 * No acknowledged reading is lost when a part of the path fails mid-stream: ingest killed with
 * SIGKILL, InfluxDB stopped, Redis killed, the broker restarted. Real servers throughout; each
 * test publishes a stream, breaks something while it flows, repairs it, and then compares what
 * InfluxDB holds with what the meters sent (one point per meter and timestamp).
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxStore } from '../platform/influx/influx-store.ts';
import { createLogger } from '../platform/logger.ts';
import { createRedis } from '../platform/redis.ts';
import { readingsTopic } from '../domain/telemetry/index.ts';
import type { InfluxConfig } from '../platform/config.ts';
import { MqttPublisher } from '../simulators/publish/mqtt-publisher.ts';
import type { PublishProgress, PublishReport } from '../simulators/publish/publish-report.ts';
import { useTestDatabase } from '../test/database.ts';
import { fleetOf, storedReadings, type Traffic, trafficFor } from '../test/fixtures/meter-traffic.ts';
import { type FixtureMeter, registerMeters } from '../test/fixtures/registry.ts';
import { countPoints, dropDatabase, startInfluxd, testInfluxConfig } from '../test/services/influxdb.ts';
import { type IngestHandle, startIngest } from '../test/services/ingest.ts';
import { INGESTER, SIMULATOR, startBroker, type TestBroker } from '../test/services/mosquitto.ts';
import { waitFor } from '../test/services/process.ts';
import { startRedis, type TestRedis } from '../test/services/redis.ts';
import { encodeMessages } from './journal-codec.ts';

const testDb = useTestDatabase();
let broker: TestBroker;
let redis: TestRedis;
let meters: FixtureMeter[];
let run = 0;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  [broker, redis] = await Promise.all([startBroker(), startRedis()]);
  meters = await registerMeters(testDb.db, { count: 80, prefix: 'RES' });
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await Promise.all([broker.stop(), redis.stop()]);
});

async function ingestFor(
  influx: InfluxConfig,
  group = `res${++run}`,
  id = group,
  extra: Record<string, string> = {},
  mqttUrl = broker.url,
): Promise<IngestHandle> {
  const ingest = await startIngest({
    databaseUrl: testDb.url,
    redisUrl: redis.url,
    mqttUrl,
    influx,
    id,
    extra: { INGEST_JOURNAL_STREAM: `${group}-log`, INGEST_SHARE_GROUP: group, ...extra },
  });
  cleanups.push(async () => {
    await ingest.process.stop('SIGKILL');
    await dropDatabase(influx);
  });
  return ingest;
}

/** Publishes the traffic; returns when the broker has acknowledged all of it. */
async function publishInBackground(
  traffic: Traffic,
  o: { url?: string; reconnectPeriodMs?: number; onProgress?: (p: PublishProgress) => void } = {},
): Promise<PublishReport> {
  const publisher = await MqttPublisher.connect({
    url: o.url ?? broker.url,
    ...SIMULATOR,
    connections: 4,
    stallTimeoutMs: 120_000,
    reconnectPeriodMs: o.reconnectPeriodMs,
  });
  try {
    return await publisher.publish(traffic.messages, { onProgress: o.onProgress, progressIntervalMs: 50 });
  } finally {
    await publisher.close();
  }
}

/** Whether the broker still holds a session for `clientId` (a probe that leaves none behind). */
function sessionPresent(clientId: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = mqtt.connect(broker.url, { ...INGESTER, protocolVersion: 5, clientId, clean: false, reconnectPeriod: 0 });
    probe.once('connect', (connack) => {
      resolve(connack.sessionPresent);
      probe.end();
    });
    probe.once('error', reject);
  });
}

async function whenStored(store: InfluxStore, atLeast: number): Promise<void> {
  await waitFor(`${atLeast} points`, async () => (await countPoints(store, 'readings').catch(() => 0)) >= atLeast, 90_000);
}

async function expectAllStored(store: InfluxStore, traffic: Traffic, published: Promise<PublishReport>): Promise<void> {
  const report = await published;
  expect(report.failed).toBe(0);
  await whenStored(store, traffic.expected.size);
  expect(await storedReadings(store)).toEqual(traffic.expected);
}

describe('no acknowledged reading is lost', () => {
  it('when ingest is killed with SIGKILL mid-stream and restarted', async () => {
    const influx = testInfluxConfig();
    const store = new InfluxStore(influx);
    const ingest = await ingestFor(influx);
    const traffic = trafficFor(fleetOf(meters), 48, 11);
    const published = publishInBackground(traffic);
    await whenStored(store, 1000);
    await ingest.process.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 1000));
    ingest.process.start();
    await expectAllStored(store, traffic, published);
  });

  it('when one of two processes in the shared subscription is killed, and comes back under its id', async () => {
    const influx = testInfluxConfig();
    const store = new InfluxStore(influx);
    const group = `res${++run}`;
    await ingestFor(influx, group, `${group}-a`);
    const b = await ingestFor(influx, group, `${group}-b`);
    const traffic = trafficFor(fleetOf(meters), 48, 15);
    const published = publishInBackground(traffic);
    await whenStored(store, 1000);
    await b.process.stop('SIGKILL');
    await published;
    // Mosquitto keeps routing part of the stream to the dead member's persistent session and holds
    // it there (docs/ingest.md, "Shared subscription"): it arrives when the member returns.
    await new Promise((r) => setTimeout(r, 2000));
    b.process.start();
    await expectAllStored(store, traffic, published);
  });

  it('when ingest comes back with fewer MQTT connections: the sessions of the others are drained, then ended', async () => {
    const influx = testInfluxConfig();
    const store = new InfluxStore(influx);
    const group = `res${++run}`;
    const before = await ingestFor(influx, group, group, { INGEST_MQTT_CONNECTIONS: '3' });
    await before.process.stop('SIGTERM');
    // While ingest is away the broker queues the stream in all three sessions.
    const traffic = trafficFor(fleetOf(meters), 24, 17);
    await publishInBackground(traffic);
    const after = await ingestFor(influx, group, group, { INGEST_MQTT_CONNECTIONS: '1' });
    await expectAllStored(store, traffic, Promise.resolve({ failed: 0 } as PublishReport));
    // Connections 1 and 2 in particular: the first process, stopped while it retired the numbers
    // from 3 up, may have left empty sessions for some of those too, which retire in the meantime.
    const retired = (n: number) => after.process.log.includes(`"connection":${n},"msg":"retired the MQTT session"`);
    await waitFor('sessions 1 and 2 retired', () => Promise.resolve(retired(1) && retired(2)), 30_000);
    for (const n of [1, 2]) expect(await sessionPresent(`ingest-${group}-${n}`)).toBe(false);
  });

  it('when InfluxDB is stopped for a while mid-stream', async () => {
    const influxd = await startInfluxd();
    cleanups.push(() => influxd.stop());
    const influx = testInfluxConfig(influxd.url);
    const store = new InfluxStore(influx);
    const ingest = await ingestFor(influx);
    const traffic = trafficFor(fleetOf(meters), 48, 12);
    const published = publishInBackground(traffic);
    await whenStored(store, 1000);
    await influxd.stop();
    await new Promise((r) => setTimeout(r, 3000));
    expect(await ingest.metric('ingest_store_failures_total')).toBeGreaterThan(0);
    await influxd.start();
    await expectAllStored(store, traffic, published);
  });

  it('when the log stops draining (InfluxDB stopped), /healthz answers 503 and ingest_journal_stalled is 1 until it drains again', async () => {
    const influxd = await startInfluxd();
    cleanups.push(() => influxd.stop());
    const influx = testInfluxConfig(influxd.url);
    const store = new InfluxStore(influx);
    const ingest = await ingestFor(influx, undefined, undefined, { INGEST_STALL_AFTER_S: '3' });
    const first = trafficFor(fleetOf(meters), 2, 18);
    await publishInBackground(first);
    await whenStored(store, first.expected.size);
    expect(await ingest.healthStatus()).toBe(200);
    await influxd.stop();
    const traffic = trafficFor(fleetOf(meters), 4, 19);
    const published = publishInBackground(traffic);
    await waitFor('/healthz 503', async () => (await ingest.healthStatus()) === 503, 60_000);
    expect(await ingest.metric('ingest_journal_stalled')).toBe(1);
    expect(await ingest.metric('ingest_journal_oldest_entry_age_seconds')).toBeGreaterThan(3);
    await influxd.start();
    await waitFor('/healthz 200 again', async () => (await ingest.healthStatus()) === 200, 90_000);
    expect(await ingest.metric('ingest_journal_stalled')).toBe(0);
    await expectAllStored(store, { messages: traffic.messages, expected: new Map([...first.expected, ...traffic.expected]) }, published);
  });

  it('when InfluxDB is down as ingest starts: it starts, acknowledges into the log, and stores all once InfluxDB is up', async () => {
    const influxd = await startInfluxd();
    cleanups.push(() => influxd.stop());
    await influxd.stop();
    const influx = testInfluxConfig(influxd.url);
    const store = new InfluxStore(influx);
    const ingest = await ingestFor(influx);
    const traffic = trafficFor(fleetOf(meters), 12, 13);
    const published = publishInBackground(traffic);
    const acked = async () => ingest.metric('ingest_messages_acked_total');
    await waitFor('every message acknowledged', async () => (await acked()) >= traffic.messages.length, 60_000);
    expect(await ingest.metric('ingest_store_failures_total')).toBeGreaterThan(0);
    await influxd.start();
    await expectAllStored(store, traffic, published);
  });

  it('when Redis (the durable log) is killed mid-stream and restarted from its append-only file', async () => {
    const influx = testInfluxConfig();
    const store = new InfluxStore(influx);
    await ingestFor(influx);
    const traffic = trafficFor(fleetOf(meters), 48, 13);
    const published = publishInBackground(traffic);
    await whenStored(store, 1000);
    await redis.process.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 1000));
    await redis.restart();
    await expectAllStored(store, traffic, published);
  });

  it("when Redis dies before sending a read's reply: what it left pending to ingest is stored once Redis is back, not a minute later", async () => {
    const influx = testInfluxConfig();
    const store = new InfluxStore(influx);
    const group = `res${++run}`;
    await ingestFor(influx, group);
    const meterId = meters[0]?.meterId ?? '';
    const ts = Date.now() - 60_000;
    const entry = encodeMessages([
      { topic: readingsTopic(meterId), payload: Buffer.from(JSON.stringify({ ts, totalM3: 7 })), receivedMs: Date.now() },
    ]);
    const client = createRedis({
      url: redis.url,
      connectionName: 'unsent-reply-test',
      logger: createLogger('unsent-reply-test', 'silent'),
    });
    try {
      // What a read of ingest's does when Redis dies before sending its reply: the entry is
      // delivered to ingest's consumer (pending to it), and ingest never sees it. In one
      // transaction, so that ingest's own reads cannot take the entry first.
      await client
        .multi()
        .xadd(`${group}-log`, '*', 'm', entry)
        .xreadgroup('GROUP', 'drainers', group, 'COUNT', 1, 'STREAMS', `${group}-log`, '>')
        .exec();
    } finally {
      client.disconnect();
    }
    await redis.process.stop('SIGKILL');
    await redis.restart();
    // The claim of abandoned entries would take it only after a minute of idleness.
    await waitFor('the reading stored', async () => (await countPoints(store, 'readings').catch(() => 0)) >= 1, 20_000);
    expect(await storedReadings(store)).toEqual(new Map([[`${meterId}|${ts}`, 7]]));
  });

  it('when Redis is down as ingest first starts: it subscribes all the same, waits unhealthy, stops on SIGTERM in time, and loses nothing', async () => {
    const influx = testInfluxConfig();
    const store = new InfluxStore(influx);
    await redis.process.stop('SIGTERM');
    // A new share group: the broker keeps readings for it only once ingest has subscribed.
    const ingest = await ingestFor(influx);
    const traffic = trafficFor(fleetOf(meters), 12, 15);
    const published = publishInBackground(traffic);
    await ingest.process.waitForOutput('Redis connection failed');
    await waitFor('/healthz up', () =>
      ingest.healthStatus().then(
        () => true,
        () => false,
      ),
    );
    expect(await ingest.healthStatus()).toBe(503);
    await ingest.process.stop('SIGTERM', 60_000);
    expect(ingest.process.exitCode).toBe(0);
    expect(ingest.process.log).toContain('did not finish its batches in time');
    await redis.restart();
    ingest.process.start();
    await expectAllStored(store, traffic, published);
  });

  it('when the broker, with the shipped config, is restarted mid-stream; what meters resend is stored once', async () => {
    const influx = testInfluxConfig();
    const store = new InfluxStore(influx);
    await ingestFor(influx);
    const traffic = trafficFor(fleetOf(meters), 48, 14);
    const published = publishInBackground(traffic);
    await whenStored(store, 1000);
    await broker.restart('SIGTERM');
    await expectAllStored(store, traffic, published);
  });

  it('when the broker restarts and meters, reconnecting after 100 ms, are back before ingest: what it answers "no matching subscribers" is sent again and stored', async () => {
    // A broker of its own: another test's ingest, subscribed in another share group, would make the
    // broker answer "delivered" for messages that this test's ingest never gets.
    const own = await startBroker();
    cleanups.push(() => own.stop());
    const influx = testInfluxConfig();
    const store = new InfluxStore(influx);
    const ingest = await ingestFor(influx, undefined, undefined, {}, own.url);
    const traffic = trafficFor(fleetOf(meters), 96, 16);
    // Settled publishes: acknowledged, or answered "no matching subscribers" and sent again.
    let settled = 0;
    const onProgress = (p: PublishProgress) => (settled = p.acked + (p.resent > 0 ? p.resent : 0));
    const published = publishInBackground(traffic, { url: own.url, reconnectPeriodMs: 100, onProgress });
    await whenStored(store, 1000);
    // Ingest frozen across the restart, so that the meters are surely back first: the broker has
    // forgotten the shared subscription until ingest subscribes again.
    ingest.process.signal('SIGSTOP');
    try {
      await own.restart('SIGTERM');
      const before = settled;
      await waitFor('meters publishing to the restarted broker', () => Promise.resolve(settled >= before + 500), 60_000);
    } finally {
      ingest.process.signal('SIGCONT');
    }
    await expectAllStored(store, traffic, published);
    console.info(`broker restart: ${(await published).resent} publishes answered "no matching subscribers" and sent again`);
  });
});
