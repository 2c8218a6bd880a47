/** A Mosquitto of the test's own, from the shipped config (scripts/mosquitto-conf.sh), on a free port. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, portAnswers, ServerProcess, waitFor } from './process.ts';

export const INGESTER = { username: 'ingester', password: 'ingester-test-password' };
export const SIMULATOR = { username: 'simulator', password: 'simulator-test-password' };

export interface TestBroker {
  url: string;
  port: number;
  process: ServerProcess;
  /** Stops (SIGTERM: the broker saves its store) and starts again on the same port and data. */
  restart(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export interface BrokerOptions {
  /** Replaces the generated password file and ACL (e.g. domain/telemetry/broker-logins.ts output). */
  accounts?: { passwd: string; acl: string };
  /** Replaces only the ACL, keeping the generated accounts (INGESTER, SIMULATOR). */
  acl?: string;
}

/** Starts a broker from the shipped configuration; the one way tests get a broker of their own. */
export async function startBroker({ accounts, acl }: BrokerOptions = {}): Promise<TestBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'wim-mosquitto-'));
  const port = await freePort();
  const conf = execFileSync('bash', [
    'scripts/mosquitto-conf.sh',
    dir,
    String(port),
    `${INGESTER.username}:${INGESTER.password}`,
    `${SIMULATOR.username}:${SIMULATOR.password}`,
  ])
    .toString()
    .trim();
  if (accounts) writeFileSync(join(dir, 'passwd'), accounts.passwd);
  const aclText = accounts?.acl ?? acl;
  if (aclText !== undefined) writeFileSync(join(dir, 'acl'), aclText);
  const process = new ServerProcess('mosquitto', 'mosquitto', ['-c', conf]);
  const up = async () => {
    process.start();
    await waitFor('mosquitto', () => portAnswers(port));
  };
  await up();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    process,
    async restart(signal = 'SIGTERM') {
      await process.stop(signal);
      await up();
    },
    stop: () => {
      process.signal('SIGCONT'); // in case a test paused it
      return process.stop();
    },
  };
}
