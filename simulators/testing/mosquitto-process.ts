/**
 * For tests: a Mosquitto broker of their own, from the installed binary, on a free local port, with
 * the extra config lines a test needs (e.g. an ACL that refuses publishing).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface MosquittoProcess {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startMosquitto(extraConfig: { lines?: string[]; acl?: string } = {}): Promise<MosquittoProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'sim-mosquitto-'));
  const port = await freePort();
  const lines = [`listener ${port} 127.0.0.1`, 'allow_anonymous true', ...(extraConfig.lines ?? [])];
  // Started as root, mosquitto would switch to the mosquitto user, who cannot read our private dir.
  if (process.getuid?.() === 0) lines.push('user root');
  if (extraConfig.acl !== undefined) {
    await writeFile(join(dir, 'acl'), extraConfig.acl);
    lines.push(`acl_file ${join(dir, 'acl')}`);
  }
  await writeFile(join(dir, 'mosquitto.conf'), `${lines.join('\n')}\n`);
  const child = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  try {
    await waitForPort(port, () => child.exitCode !== null);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${error instanceof Error ? error.message : String(error)}: ${output.trim()}`);
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    process: child,
    stop: async () => {
      child.kill('SIGCONT'); // in case a test paused it
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => { resolve(port); });
    });
  });
}

async function waitForPort(port: number, gone: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 100 && !gone(); attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => { resolve(false); });
    });
    if (open) return;
    await sleep(50);
  }
  throw new Error(`mosquitto did not open port ${port}`);
}
