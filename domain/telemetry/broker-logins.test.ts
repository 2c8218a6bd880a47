import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/database.ts';
import { registerMeters } from '../../test/fixtures/registry.ts';
import { startBroker, type TestBroker } from '../../test/services/mosquitto.ts';
import { brokerFiles, meterIdsForBroker, meterPassword } from './broker-logins.ts';

const testDb = useTestDatabase();
const secret = 'test-meter-secret-0123456789';
const ingester = { username: 'ingester', password: 'ingester-pw' };
let broker: TestBroker;
let meterA = '';
let meterB = '';

beforeAll(async () => {
  const meters = await registerMeters(testDb.db, { count: 2, prefix: 'ACL' });
  [meterA, meterB] = meters.map((m) => m.meterId) as [string, string];
  const files = brokerFiles({ meterIds: await meterIdsForBroker(testDb.db), meterSecret: secret, ingester });
  broker = await startBroker({ accounts: files });
});
afterAll(() => broker.stop());

const connect = (username: string, password: string) =>
  mqtt.connectAsync(broker.url, { username, password, protocolVersion: 5, reconnectPeriod: 0, clientId: `${username}-${Date.now()}` });

describe('broker logins generated from the registry', () => {
  it('lets a meter publish under its own id, seen by the ingester, and refuses it under another', async () => {
    const reader = await connect(ingester.username, ingester.password);
    const seen: string[] = [];
    reader.on('message', (topic) => seen.push(topic));
    await reader.subscribeAsync('$share/g/meters/#', { qos: 1 });

    const meter = await connect(meterA, meterPassword(secret, meterA));
    await meter.publishAsync(`meters/${meterA}/readings`, '{"ts":0,"totalM3":1}', { qos: 1 });
    // A wrong subtopic reaches the ingester too, which keeps it as a rejection.
    await meter.publishAsync(`meters/${meterA}/readingz`, '{"ts":0,"totalM3":1}', { qos: 1 });
    await expect(meter.publishAsync(`meters/${meterB}/readings`, '{"ts":0,"totalM3":1}', { qos: 1 })).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual([`meters/${meterA}/readings`, `meters/${meterA}/readingz`]);
    await Promise.all([meter.endAsync(), reader.endAsync()]);
  });

  it('refuses a wrong password and an unknown meter', async () => {
    await expect(connect(meterA, 'wrong-password')).rejects.toThrow(/Not authorized|Bad User Name or Password/i);
    await expect(connect('GHOST', meterPassword(secret, 'GHOST'))).rejects.toThrow();
  });

  it('refuses a meter id that collides with the ingester account', () => {
    expect(() => brokerFiles({ meterIds: ['ingester'], meterSecret: secret, ingester })).toThrow(/appears twice/);
  });
});
