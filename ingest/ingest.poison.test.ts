/**
 * What once stalled the drain for good, end to end with real servers: a backlog of rejections too
 * large for one PostgreSQL statement, payloads holding NUL, messages on subtopics ingest did not
 * subscribe to. Each must be kept as rejections while the valid readings behind it are stored.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InfluxStore } from '../platform/influx/influx-store.ts';
import { createLogger } from '../platform/logger.ts';
import { createRedis } from '../platform/redis.ts';
import { readingsTopic } from '../domain/telemetry/index.ts';
import type { SimulatedMessage } from '../simulators/generation/simulated-message.ts';
import { MqttPublisher } from '../simulators/publish/mqtt-publisher.ts';
import { useTestDatabase } from '../test/database.ts';
import { fleetOf, storedReadings, trafficFor } from '../test/fixtures/meter-traffic.ts';
import { registerMeters } from '../test/fixtures/registry.ts';
import { countPoints, dropDatabase, testInfluxConfig } from '../test/services/influxdb.ts';
import { type IngestHandle, startIngest } from '../test/services/ingest.ts';
import { SIMULATOR, startBroker, type TestBroker } from '../test/services/mosquitto.ts';
import { waitFor } from '../test/services/process.ts';
import { startRedis, type TestRedis } from '../test/services/redis.ts';
import { encodeMessages } from './journal-codec.ts';

const testDb = useTestDatabase();
let broker: TestBroker;
let redis: TestRedis;
const cleanups: (() => Promise<void>)[] = [];
let run = 0;

beforeAll(async () => {
  [broker, redis] = await Promise.all([startBroker(), startRedis()]);
});
// Each test's ingest stops with it: one still subscribed in another share group would store the
// next test's messages in the same database a second time.
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});
afterAll(async () => {
  await Promise.all([broker.stop(), redis.stop()]);
});

/** A fresh ingest deployment (own Influx database, log stream and share group) on the shared servers. */
function deployment(extra: Record<string, string> = {}) {
  const n = ++run;
  const influx = testInfluxConfig();
  const stream = `poison-log-${n}`;
  const env = {
    databaseUrl: testDb.url,
    redisUrl: redis.url,
    mqttUrl: broker.url,
    influx,
    id: `poison${n}`,
    extra: { INGEST_JOURNAL_STREAM: stream, INGEST_SHARE_GROUP: `poison${n}`, ...extra },
  };
  const processes: IngestHandle[] = [];
  cleanups.push(async () => {
    await Promise.all(processes.map((p) => p.process.stop('SIGKILL')));
    await dropDatabase(influx);
  });
  return {
    store: new InfluxStore(influx),
    stream,
    start: async () => {
      const p = await startIngest(env);
      processes.push(p);
      return p;
    },
  };
}

async function publish(messages: Iterable<SimulatedMessage>) {
  const publisher = await MqttPublisher.connect({ url: broker.url, ...SIMULATOR, connections: 2, stallTimeoutMs: 120_000 });
  try {
    return await publisher.publish(messages);
  } finally {
    await publisher.close();
  }
}

async function rejectionCount(code: string, since: Date): Promise<number> {
  const { count } = await testDb.db
    .selectFrom('ingest_rejections')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('reason_code', '=', code)
    .where('received_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(count);
}

const raw = (topic: string, payload: string): SimulatedMessage => ({
  meterId: 'x',
  topic,
  payload,
  sentAtMs: 0,
  kind: 'malformed',
  readings: [],
});

describe('ingest under poison input', () => {
  it("stores valid readings behind a backlog of 40,000 unregistered meters' messages, and keeps every one of those as a rejection", async () => {
    const meters = await registerMeters(testDb.db, { count: 10, prefix: 'FLOOD' });
    const { store, stream, start } = deployment();
    const since = new Date(Date.now() - 1000);
    // The backlog an outage leaves in the log, 1000 messages an entry, there before ingest starts:
    // its first read then takes up to 2 MB of log, over 20,000 rejections in one slice.
    const log = createRedis({ url: redis.url, connectionName: 'flood-test', logger: createLogger('flood-test', 'silent') });
    const ts = Date.now() - 3_600_000;
    try {
      for (let e = 0; e < 40; e++) {
        const messages = Array.from({ length: 1000 }, (_, i) => ({
          topic: readingsTopic(`GHOST-${e}-${i}`),
          payload: Buffer.from(JSON.stringify({ ts, totalM3: i })),
          receivedMs: Date.now(),
        }));
        await log.xadd(stream, '*', 'm', encodeMessages(messages));
      }
    } finally {
      log.disconnect();
    }
    const startedMs = Date.now();
    await start();
    const traffic = trafficFor(fleetOf(meters), 6, 31);
    const report = await publish(traffic.messages);
    expect(report.failed).toBe(0);
    await waitFor(
      'the valid readings stored',
      async () => (await countPoints(store, 'readings').catch(() => 0)) >= traffic.expected.size,
      180_000,
    );
    const validStoredMs = Date.now();
    await waitFor('every unregistered message kept', async () => (await rejectionCount('unknown_meter', since)) >= 40_000, 180_000);
    expect(await rejectionCount('unknown_meter', since)).toBe(40_000);
    expect(await storedReadings(store)).toEqual(traffic.expected);
    console.info(
      `flood: valid readings stored ${validStoredMs - startedMs} ms after ingest started behind 40,000 rejections; all kept after ${Date.now() - startedMs} ms`,
    );
  }, 420_000);

  it('keeps payloads holding NUL (escaped or raw) as rejections and stores the valid readings behind them', async () => {
    const meters = await registerMeters(testDb.db, { count: 5, prefix: 'NUL' });
    const { store, start } = deployment();
    await start();
    const since = new Date(Date.now() - 1000);
    const meterId = meters[0]?.meterId ?? '';
    const topic = readingsTopic(meterId);
    const poison = [
      raw(topic, '{"ts":1,\u0000"totalM3":1}'),
      raw(topic, '\u0000\u0000\u0000'),
      raw(topic, '{"ts":"\\u0000","totalM3":1}'),
      raw(topic, '{"ts":"2026-01-01T00:00:00\u0000+08:00","totalM3":1}'),
    ];
    const traffic = trafficFor(fleetOf(meters), 6, 32);
    const report = await publish([...poison, ...traffic.messages]);
    expect(report.failed).toBe(0);
    await waitFor(
      'the valid readings stored',
      async () => (await countPoints(store, 'readings').catch(() => 0)) >= traffic.expected.size,
      60_000,
    );
    const kept = async () => (await rejectionCount('malformed_json', since)) + (await rejectionCount('schema_violation', since));
    await waitFor('every NUL payload kept', async () => (await kept()) >= poison.length, 60_000);
    const rows = await testDb.db.selectFrom('ingest_rejections').select(['reason', 'payload']).where('received_at', '>=', since).execute();
    expect(rows.map((r) => r.payload.toString()).sort()).toEqual(poison.map((m) => m.payload).sort());
    expect(rows.some((r) => r.reason.includes('\\u0000'))).toBe(true);
    expect(await storedReadings(store)).toEqual(traffic.expected);
  });

  it('keeps a message on a subtopic other than readings and status as unknown_subtopic, with its meter', async () => {
    const meters = await registerMeters(testDb.db, { count: 3, prefix: 'SUBTOPIC' });
    const { store, start } = deployment();
    await start();
    const since = new Date(Date.now() - 1000);
    const meterId = meters[0]?.meterId ?? '';
    const reading = JSON.stringify({ ts: Date.now() - 60_000, totalM3: 1 });
    // Each within what the broker's ACL lets a meter write: anything under meters/{its id}/.
    const strays = [
      raw(`meters/${meterId}/readingz`, reading),
      raw(`meters/${meterId}/readings/extra`, reading),
      raw(`meters/${meterId}/Readings`, reading),
    ];
    const traffic = trafficFor(fleetOf(meters), 2, 33);
    const report = await publish([...strays, ...traffic.messages]);
    expect(report.failed).toBe(0);
    await waitFor(
      'the valid readings stored',
      async () => (await countPoints(store, 'readings').catch(() => 0)) >= traffic.expected.size,
      60_000,
    );
    await waitFor('every stray message kept', async () => (await rejectionCount('unknown_subtopic', since)) >= strays.length, 60_000);
    const rows = await testDb.db
      .selectFrom('ingest_rejections')
      .select(['topic', 'meter_id', 'reason', 'payload'])
      .where('received_at', '>=', since)
      .orderBy('topic')
      .execute();
    expect(rows.map((r) => [r.topic, r.meter_id, r.payload.toString()])).toEqual(strays.map((m) => [m.topic, meterId, reading]).sort());
    expect(rows.every((r) => r.reason.includes('not readings or status'))).toBe(true);
    expect(await storedReadings(store)).toEqual(traffic.expected);
  });
});
