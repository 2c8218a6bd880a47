/**
 * `npm run bench:ingest`: how fast the telemetry path stores readings on this machine, against the
 * broker's own ceiling, in one run on real servers (a Mosquitto from the shipped config, a Redis
 * with AOF, InfluxDB, PostgreSQL), ingest as a separate process:
 *   A. ceiling: N readings published as fast as possible to a plain QoS 1 subscriber that does nothing;
 *   B. throughput: the same N through ingest, from the first publish until all are in InfluxDB;
 *      with the CPU time ingest spent per reading, by thread (main, drain, V8's helpers), which
 *      depends less than readings/s on what else the machine is doing (though on a busy host it
 *      too varied by a third between runs of the same code), and how the machine's
 *      CPU was shared meanwhile (ingest, broker, publisher, stores, and the time the hypervisor took
 *      for other guests when that was 2 % of a core or more), and what all of that cost a reading
 *      against what the machine's cores allow a reading at 30,000 readings/s;
 *   C. latency: a sustained stream for --seconds at --rate, by default 80 % of what B measured (at
 *      a rate above what ingest sustains the backlog grows without bound and so does latency);
 *      each reading's ts is its publish time, so ingest's ingest_reading_age_seconds histogram is
 *      the publish-to-stored latency.
 * A and B each begin with --warmup readings that are not measured, so both measure a sustained
 * stream with the code already compiled, not a process's first seconds.
 * --timeline prints a line every 250 ms of C: readings stored a second, that interval's p50/p99,
 * InfluxDB writes, and how the CPU was shared; for finding where a latency tail comes from.
 * BENCH_INGEST_NODE_ARGS adds Node options to ingest's own, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
 * Ends with: bench:ingest readings_per_s=<n> ratio_to_broker=<r> p99_ms=<n> rss_mb=<n>
 */
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import pg from 'pg';
import { createDb } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { seedDivisions } from '../domain/registry/index.ts';
import { InfluxStore } from '../platform/influx/influx-store.ts';
import { readingsTopic } from '../domain/telemetry/index.ts';
import { UNTRACED_MQTT_CLIENT } from '../platform/mqtt-untraced.ts';
import type { SimulatedMessage } from '../simulators/generation/simulated-message.ts';
import { MqttPublisher } from '../simulators/publish/mqtt-publisher.ts';
import { type FixtureMeter, registerMeters } from '../test/fixtures/registry.ts';
import { adminUrl, databaseUrl } from '../test/database-urls.ts';
import { countPoints, dropDatabase, testInfluxConfig } from '../test/services/influxdb.ts';
import { ingestProcess, metricSum } from '../test/services/ingest.ts';
import { INGESTER, SIMULATOR, startBroker } from '../test/services/mosquitto.ts';
import { startRedis } from '../test/services/redis.ts';
import { histogramBetween, parseHistogram, quantile } from './histogram.ts';

const { values: args } = parseArgs({
  options: {
    meters: { type: 'string', default: '5000' },
    readings: { type: 'string', default: '300000' },
    warmup: { type: 'string', default: '50000' },
    rate: { type: 'string', default: '0' },
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '4' },
    'ingest-connections': { type: 'string', default: '2' },
    timeline: { type: 'boolean', default: false },
  },
});
const opts = {
  meters: Number(args.meters),
  readings: Number(args.readings),
  warmup: Number(args.warmup),
  rate: Number(args.rate),
  seconds: Number(args.seconds),
  connections: Number(args.connections),
  ingestConnections: Number(args['ingest-connections']),
};
for (const [name, value] of Object.entries(opts)) {
  const least = name === 'rate' || name === 'warmup' ? 0 : 1;
  if (!Number.isInteger(value) || value < least) throw new Error(`--${name} must be a whole number >= ${least}, got ${String(value)}`);
}

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Each meter's last ts, across calls, so that no two readings of a meter share one. */
const lastTs = new Map<string, number>();

/** Readings stamped with their publish time, round-robin over the meters; ts strictly increasing per meter. */
function* liveReadings(meters: readonly FixtureMeter[], count: number): Generator<SimulatedMessage> {
  for (let i = 0; i < count; i++) {
    const meterId = meters[i % meters.length]?.meterId ?? '';
    const ts = Math.max(Date.now(), (lastTs.get(meterId) ?? 0) + 1);
    lastTs.set(meterId, ts);
    const reading = { ts, totalM3: 1000 + i / 100, flowM3h: 12.5 };
    yield { meterId, topic: readingsTopic(meterId), payload: JSON.stringify(reading), sentAtMs: ts, kind: 'live', readings: [reading] };
  }
}

/** The issue's throughput target; also the most C offers by default. */
const TARGET_READINGS_PER_S = 30_000;

/** Clock ticks a second in /proc's CPU times (USER_HZ on Linux). */
const TICKS_PER_S = 100;

/** Command name and CPU seconds (user + system) from a /proc stat file; undefined when it is gone. */
function statCpu(path: string): { name: string; seconds: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process or thread ended meanwhile
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S,
  };
}

/** CPU seconds used so far, by process or thread id, with its current name. */
type CpuSample = Map<number, { name: string; seconds: number }>;

/** Every thread of a process (MainThread, WorkerThread, V8Worker...). */
function cpuByThread(pid: number): CpuSample {
  const sample: CpuSample = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const cpu = statCpu(`/proc/${pid}/task/${tid}/stat`);
    if (cpu) sample.set(Number(tid), cpu);
  }
  return sample;
}

/**
 * Every process on the machine: ingest and this one (the publisher) by role, the rest by command;
 * and, under id -1, the time the hypervisor gave the machine's virtual CPUs to other guests
 * ("steal" in /proc/stat), which made the runs of one day differ by tens of per cent.
 */
function cpuByProcess(ingestPid: number): CpuSample {
  const sample: CpuSample = new Map();
  const steal = Number(readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]?.trim().split(/\s+/)[8] ?? 0);
  sample.set(-1, { name: 'stolen by the hypervisor', seconds: steal / TICKS_PER_S });
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    const pid = Number(entry);
    const cpu = statCpu(`/proc/${entry}/stat`);
    if (cpu) sample.set(pid, { name: pid === ingestPid ? 'ingest' : pid === process.pid ? 'publisher' : cpu.name, seconds: cpu.seconds });
  }
  return sample;
}

/**
 * CPU seconds used between two samples, by name. Each id counts its own difference: kernel workers
 * rename themselves with their task, and compared by name, one would count its whole life as used
 * between the samples. An id that began meanwhile counts from zero.
 */
function usedBetween(before: CpuSample, after: CpuSample): Map<string, number> {
  const used = new Map<string, number>();
  for (const [id, { name, seconds }] of after) used.set(name, (used.get(name) ?? 0) + seconds - (before.get(id)?.seconds ?? 0));
  return used;
}

/** CPU used between two samples, by name, in units of `unitSeconds` of CPU, busiest first. */
function usedIn(before: CpuSample, after: CpuSample, unitSeconds: number): { name: string; units: number }[] {
  return [...usedBetween(before, after)].map(([name, s]) => ({ name, units: s / unitSeconds })).sort((a, b) => b.units - a.units);
}

/** "ingest 80 %, mosquitto 50 %, ...": each one's share of one core between two samples, busiest first. */
function cpuShares(before: CpuSample, after: CpuSample, seconds: number): string {
  return usedIn(before, after, seconds / 100)
    .filter((p) => p.units >= 2)
    .map((p) => `${p.name} ${p.units.toFixed(0)} %`)
    .join(', ');
}

/** "52 µs (WorkerThread 20, V8Worker 17, MainThread 15)": CPU per reading between two samples, busiest first. */
function cpuPerReading(before: CpuSample, after: CpuSample, readings: number): string {
  const perReading = usedIn(before, after, readings / 1e6);
  const total = perReading.reduce((sum, t) => sum + t.units, 0);
  const shown = perReading.filter((t) => t.units >= 0.5);
  return `${total.toFixed(0)} µs (${shown.map((t) => `${t.name} ${t.units.toFixed(0)}`).join(', ')})`;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function brokerCeiling(url: string, meters: FixtureMeter[]): Promise<number> {
  // Untraced, as ingest's own clients are: the ceiling is the broker's, not mqtt.js's tracing.
  const subscriber = await mqtt.connectAsync(url, {
    ...INGESTER,
    ...UNTRACED_MQTT_CLIENT,
    clientId: `bench-plain-${process.pid}`,
    clean: true,
  });
  let received = 0;
  let first = 0;
  let last = 0;
  subscriber.on('message', () => {
    const now = performance.now();
    if (received++ === 0) first = now;
    last = now;
  });
  await subscriber.subscribeAsync('meters/+/readings', { qos: 1 });
  const publisher = await MqttPublisher.connect({ url, ...SIMULATOR, connections: opts.connections });
  await publisher.publish(liveReadings(meters, opts.warmup));
  const deadline = Date.now() + 60_000;
  while (received < opts.warmup && Date.now() < deadline) await sleep(50);
  received = 0;
  const machineAtStart = cpuByProcess(0);
  const started = performance.now();
  await publisher.publish(liveReadings(meters, opts.readings));
  while (received < opts.readings && Date.now() < deadline) await sleep(50);
  // "publisher" here is this process: the publisher and the plain subscriber.
  log(`   CPU meanwhile, per cent of one core: ${cpuShares(machineAtStart, cpuByProcess(0), (performance.now() - started) / 1000)}`);
  await publisher.close();
  await subscriber.endAsync();
  return (received - 1) / ((last - first) / 1000);
}

/** Where ingest spends its time: averages from its histograms, for reading a slow run. */
async function stageReport(ingest: { metricsText(): Promise<string> }): Promise<string> {
  const text = await ingest.metricsText();
  const value = (name: string) => metricSum(text, name);
  const mean = (name: string) => value(`${name}_sum`) / value(`${name}_count`);
  return [
    `batches ${value('ingest_batch_size_count')} of ${mean('ingest_batch_size').toFixed(0)} messages`,
    `influx write ${(mean('ingest_influx_write_seconds') * 1000).toFixed(1)} ms/batch`,
    `ack lag ${(mean('ingest_ack_lag_seconds') * 1000).toFixed(2)} ms/message`,
  ].join(', ');
}

interface TimelineSample {
  atMs: number;
  metrics: string;
  threads: CpuSample;
  processes: CpuSample;
}

/** --timeline: samples ingest's metrics and the machine's CPU every 250 ms until the returned stop() is called. */
function startTimeline(ingest: { metricsText(): Promise<string> }, pid: number): () => Promise<void> {
  const sample = async (): Promise<TimelineSample> => ({
    atMs: performance.now(),
    metrics: await ingest.metricsText(),
    threads: cpuByThread(pid),
    processes: cpuByProcess(pid),
  });
  const stopping = new AbortController();
  const startMs = performance.now();
  const sampling = (async () => {
    let before = await sample();
    while (!stopping.signal.aborted) {
      await sleep(250);
      const after = await sample();
      log(`   ${timelineLine(before, after, startMs)}`);
      before = after;
    }
  })();
  return async () => {
    stopping.abort();
    await sampling;
  };
}

function timelineLine(before: TimelineSample, after: TimelineSample, startMs: number): string {
  const seconds = (after.atMs - before.atMs) / 1000;
  const delta = (name: string) => metricSum(after.metrics, name) - metricSum(before.metrics, name);
  const ages = (text: string) => parseHistogram(text, 'ingest_reading_age_seconds');
  const window = histogramBetween(ages(before.metrics), ages(after.metrics));
  const writes = delta('ingest_influx_write_seconds_count');
  const writeMs = writes ? (delta('ingest_influx_write_seconds_sum') / writes) * 1000 : 0;
  return [
    `+${((after.atMs - startMs) / 1000).toFixed(2)} s: stored ${Math.round(delta('ingest_readings_written_total') / seconds)}/s`,
    `p50 ${Math.round(quantile(window, 0.5) * 1000)} ms, p99 ${Math.round(quantile(window, 0.99) * 1000)} ms`,
    `${writes} writes of ${writeMs.toFixed(0)} ms`,
    `ingest threads: ${cpuShares(before.threads, after.threads, seconds)}`,
    `machine: ${cpuShares(before.processes, after.processes, seconds)}`,
  ].join('; ');
}

async function main(): Promise<void> {
  const dbName = `wim_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const db = createDb({ url: databaseUrl(dbName), poolSize: 2 });
  const [broker, redis] = await Promise.all([startBroker(), startRedis()]);
  const influx = testInfluxConfig();
  const store = new InfluxStore(influx);
  const ingest = await ingestProcess({
    databaseUrl: databaseUrl(dbName),
    redisUrl: redis.url,
    mqttUrl: broker.url,
    influx,
    id: 'bench',
    extra: { INGEST_MQTT_CONNECTIONS: String(opts.ingestConnections), INGEST_COALESCE_MS: '10000' },
    nodeArgs: process.env.BENCH_INGEST_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
  });
  try {
    await migrateToLatest(db);
    await seedDivisions(db, '220000');
    const meters = await registerMeters(db, { count: opts.meters, prefix: 'BENCH' });
    log(
      `${opts.meters} meters registered; broker ${broker.url}, redis ${redis.url} (AOF everysec), influx ${influx.url}/${influx.database}`,
    );

    const ceiling = await brokerCeiling(broker.url, meters);
    log(`A. broker ceiling: ${Math.round(ceiling)} readings/s to a plain QoS 1 subscriber`);

    ingest.process.start();
    await ingest.process.waitForOutput('ingest started');
    const pid = Number(/"pid":(\d+)/.exec(ingest.process.log)?.[1]);
    const publisher = await MqttPublisher.connect({ url: broker.url, ...SIMULATOR, connections: opts.connections });
    const written = () => ingest.metric('ingest_readings_written_total');
    await publisher.publish(liveReadings(meters, opts.warmup));
    while ((await written()) < opts.warmup) await sleep(100);
    const cpuAtStart = cpuByThread(pid);
    const machineAtStart = cpuByProcess(pid);
    const started = performance.now();
    const published = await publisher.publish(liveReadings(meters, opts.readings));
    while ((await written()) < opts.warmup + opts.readings) await sleep(100);
    log(`   ${await stageReport(ingest)}`);
    const elapsedS = (performance.now() - started) / 1000;
    log(`   ingest CPU per reading: ${cpuPerReading(cpuAtStart, cpuByThread(pid), opts.readings)}`);
    const machineAtEnd = cpuByProcess(pid);
    log(`   CPU meanwhile, per cent of one core: ${cpuShares(machineAtStart, machineAtEnd, elapsedS)}`);
    // What the whole path costs the machine a reading, against what its cores allow at the target.
    const budgetUs = (availableParallelism() * 1e6) / TARGET_READINGS_PER_S;
    log(
      `   machine CPU per reading: ${cpuPerReading(machineAtStart, machineAtEnd, opts.readings)}; ${TARGET_READINGS_PER_S} readings/s allows ${budgetUs.toFixed(0)} µs`,
    );
    const throughput = opts.readings / elapsedS;
    log(
      `B. ingest: ${opts.readings} readings stored in ${elapsedS.toFixed(1)} s = ${Math.round(throughput)} readings/s (publisher acked ${published.ackedPerS}/s)`,
    );

    const before = parseHistogram(await ingest.metricsText(), 'ingest_reading_age_seconds');
    const rate = opts.rate || Math.round(Math.min(TARGET_READINGS_PER_S, throughput * 0.8));
    const sustained = rate * opts.seconds;
    const expected = opts.warmup + opts.readings + sustained;
    const stopTimeline = args.timeline ? startTimeline(ingest, pid) : undefined;
    const paced = await publisher.publish(liveReadings(meters, sustained), { clock: { mode: 'accelerated', ratePerS: rate } });
    await stopTimeline?.();
    while ((await written()) < expected) await sleep(100);
    await publisher.close();
    const after = parseHistogram(await ingest.metricsText(), 'ingest_reading_age_seconds');
    const window = histogramBetween(before, after);
    const [p50, p99] = [quantile(window, 0.5) * 1000, quantile(window, 0.99) * 1000];
    log(
      `C. sustained ${rate}/s offered (publisher reached ${paced.ackedPerS}/s) for ${opts.seconds} s: publish-to-stored p50 ${Math.round(p50)} ms, p99 ${Math.round(p99)} ms`,
    );

    let stored = await countPoints(store, 'readings');
    for (let i = 0; i < 20 && stored < expected; i++) {
      await sleep(500);
      stored = await countPoints(store, 'readings');
    }
    log(`ingest counted ${await ingest.metric('ingest_messages_received_total')} received, ${await written()} written`);
    const rss = peakRssMb(pid);
    log(`InfluxDB holds ${stored} points (expected ${expected}); ingest peak RSS ${rss} MB`);
    const warnings = ingest.process.log.split('\n').filter((l) => /"level":(40|50|60)/.test(l));
    if (warnings.length) log(`ingest warnings:\n${warnings.slice(-5).join('\n')}`);
    if (stored !== expected) throw new Error(`stored ${stored}, expected ${expected}`);
    console.log(
      `bench:ingest readings_per_s=${Math.round(throughput)} ratio_to_broker=${(throughput / ceiling).toFixed(2)} p99_ms=${Math.round(p99)} rss_mb=${rss}`,
    );
  } finally {
    await ingest.process.stop('SIGTERM');
    await Promise.all([broker.stop(), redis.stop()]);
    if (!process.env.BENCH_KEEP) await dropDatabase(influx);
    await db.destroy();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

await main();
