/**
 * `node simulators/main.ts` (npm run simulate -- ...): a meter fleet that publishes readings over
 * MQTT, with scenarios mixed in. See docs/simulators.md and --help.
 */
import { loadConfigOrExit } from '../platform/config.ts';
import { createDb } from '../platform/db/database.ts';
import { CliError, generationOptions, parseCliOptions, type RunSettings } from './cli/cli-options.ts';
import { firstMessages, summarise } from './cli/dry-run.ts';
import { usage } from './cli/usage.ts';
import { assignScenarios } from './fleet/assign-scenarios.ts';
import type { FleetMember } from './fleet/fleet-member.ts';
import { generateFleet } from './fleet/generate-fleet.ts';
import { loadRegistryFleet } from './fleet/registry-fleet.ts';
import { estimateFleetMessages, fleetMessages } from './generation/fleet-messages.ts';
import { redacted } from './publish/connect-client.ts';
import { MqttPublisher } from './publish/mqtt-publisher.ts';
import { formatProgress } from './publish/publish-report.ts';

const EXIT_USAGE = 64;

function readSettings(): RunSettings {
  try {
    const settings = parseCliOptions(process.argv.slice(2), Date.now());
    if (settings) return settings;
    process.stdout.write(usage());
    process.exit(0);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    process.stderr.write(`simulate: ${error.message}\nRun with --help for the options.\n`);
    process.exit(EXIT_USAGE);
  }
}

async function loadFleet(settings: RunSettings, databaseUrl: string): Promise<FleetMember[]> {
  const source = settings.fleet;
  if (source.source === 'generated') {
    return generateFleet({
      count: source.count,
      seed: settings.seed,
      meterIdPrefix: source.meterIdPrefix,
      waterUse: source.waterUse,
      annualVolumeM3: source.annualVolumeM3,
      reportingIntervalS: settings.intervalS,
    });
  }
  const db = createDb({ url: databaseUrl, poolSize: 1 });
  try {
    return await loadRegistryFleet(db, source.divisionCode === undefined ? {} : { divisionCode: source.divisionCode });
  } finally {
    await db.destroy();
  }
}

const log = (line: string) => process.stderr.write(`${line}\n`);

const settings = readSettings();
const config = loadConfigOrExit();
const fleet = assignScenarios(await loadFleet(settings, config.databaseUrl), settings.scenarios, settings.seed);
if (fleet.length === 0) {
  log('simulate: the fleet is empty (no active online meters in the registry for this selection)');
  process.exit(1);
}
const generation = generationOptions(settings);
log(
  `simulate: ${fleet.length} meter${fleet.length === 1 ? '' : 's'}, ${new Date(settings.fromMs).toISOString()} to ${new Date(settings.toMs).toISOString()}, seed ${settings.seed}`,
);

if (settings.dryRun) {
  process.stdout.write(`${JSON.stringify(summarise(fleet, generation), null, 2)}\n`);
  for (const line of firstMessages(fleet, generation, settings.show)) process.stdout.write(`${line}\n`);
  process.exit(0);
}

const publisher = await MqttPublisher.connect({
  url: config.mqtt.url,
  username: config.mqtt.username,
  password: config.mqtt.password,
  connections: settings.connections,
  maxInFlightPerConnection: settings.maxInFlight,
  perMeterConnections: settings.perMeterConnections,
  ...(settings.meterPassword === undefined
    ? {}
    : { meterCredentials: (meterId: string) => ({ username: meterId, password: settings.meterPassword }) }),
}).catch((error: unknown) => {
  log(`simulate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
log(`simulate: publishing to ${redacted(config.mqtt.url)} (${settings.clock.mode})`);

// Ctrl-C stops taking new messages, waits for those in flight, then reports; a second one exits.
const stop = new AbortController();
process.once('SIGINT', () => {
  log('simulate: stopping (again to exit at once)');
  stop.abort();
  process.once('SIGINT', () => process.exit(130));
});
process.once('SIGTERM', () => {
  stop.abort();
});

const report = await publisher.publish(fleetMessages(fleet, generation), {
  // Realtime: the window's start is now (or, with --history, the history goes out at once, in
  // batches, and then the readings follow their own times).
  clock: settings.clock.mode === 'realtime' ? { ...settings.clock, startMs: settings.clock.startMs ?? settings.fromMs } : settings.clock,
  signal: stop.signal,
  expectedTotal: estimateFleetMessages(fleet, generation),
  ...(settings.quiet ? {} : { onProgress: (p) => log(formatProgress(p)) }),
});
await publisher.close();
log(`simulate: ${formatProgress(report)}${report.errors.length > 0 ? `; errors: ${report.errors.join(' | ')}` : ''}`);
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(report.failed > 0 ? 1 : 0);
