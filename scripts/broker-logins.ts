/**
 * `npm run broker:logins -- DIR [--gateway NAME:PASSWORD ...]`: writes DIR/passwd and DIR/acl
 * for Mosquitto from the registry (domain/telemetry/broker-logins.ts). Needs MQTT_USERNAME, MQTT_PASSWORD
 * (the ingester's account) and MQTT_METER_SECRET. Reload a running broker with SIGHUP.
 */
import { chmodSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../platform/config.ts';
import { createDb } from '../platform/db/database.ts';
import { brokerFiles, meterIdsForBroker } from '../domain/telemetry/index.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { gateway: { type: 'string', multiple: true, default: [] } },
});
const [dir] = positionals;
const config = loadConfigOrExit();
const { username, password } = config.mqtt;
const fail = (message: string): never => {
  process.stderr.write(`broker:logins: ${message}\n`);
  process.exit(64);
};
if (!dir) fail('usage: npm run broker:logins -- DIR [--gateway NAME:PASSWORD ...]');
if (!username || !password) fail('set MQTT_USERNAME and MQTT_PASSWORD (the ingester account)');
if (!config.mqtt.meterSecret) fail('set MQTT_METER_SECRET (meter passwords are derived from it)');
const gateways = values.gateway.map((g) => {
  const at = g.indexOf(':');
  return at > 0 ? { username: g.slice(0, at), password: g.slice(at + 1) } : fail(`--gateway must be NAME:PASSWORD, got "${g}"`);
});

const db = createDb({ url: config.databaseUrl, poolSize: 1 });
try {
  const files = brokerFiles({
    meterIds: await meterIdsForBroker(db),
    meterSecret: config.mqtt.meterSecret ?? '',
    ingester: { username: username ?? '', password: password ?? '' },
    gateways,
  });
  for (const [name, text] of [
    ['passwd', files.passwd],
    ['acl', files.acl],
  ] as const) {
    const path = join(dir ?? '.', name);
    writeFileSync(`${path}.tmp`, text, { mode: 0o640 });
    chmodSync(`${path}.tmp`, 0o640);
    renameSync(`${path}.tmp`, path);
  }
  console.log(`wrote ${join(dir ?? '.', 'passwd')} (${files.meters} meters, 1 ingester, ${gateways.length} gateways) and acl`);
} finally {
  await db.destroy();
}
