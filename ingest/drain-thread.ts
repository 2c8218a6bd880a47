/**
 * The main thread's handle on the drain worker thread (drain-worker.ts): start it, read its
 * metrics, stop it. A worker that dies is reported as an error: ingest stops rather than keep
 * acknowledging messages that nothing would drain.
 */
import { Worker } from 'node:worker_threads';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { Config } from '../common/config.ts';

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];
type Reply = { type: 'started' } | { type: 'stopped' } | { type: 'metrics'; id: number; json: MetricsJson };

export class DrainThread {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, (json: MetricsJson) => void>();
  private stopped: Promise<void> | undefined;
  private readonly ready: Promise<void>;

  constructor(config: Config, onFailure: (err: Error) => void) {
    this.worker = new Worker(new URL('./drain-worker.ts', import.meta.url), {
      workerData: { config },
      // Bounded like the main thread's heap (docs/ingest.md, "Memory and CPU"): two batches in hand at most.
      resourceLimits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 },
    });
    this.worker.on('message', (reply: Reply) => {
      if (reply.type === 'metrics') {
        this.pending.get(reply.id)?.(reply.json);
        this.pending.delete(reply.id);
      }
    });
    this.worker.on('error', onFailure);
    // Listening from the start: the thread may report before anyone asks.
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (reply: Reply) => {
        if (reply.type === 'started') resolve();
      });
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => {
        reject(new Error(`drain thread exited (code ${code}) before it started`));
      });
    });
  }

  /** Resolves once the drain side has started (InfluxDB database ensured, loops running). */
  started(): Promise<void> {
    return this.ready;
  }

  metrics(): Promise<MetricsJson> {
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ type: 'metrics', id });
    });
  }

  /** Asks the drain side to finish its batches and close, then ends the thread. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      const done = new Promise<void>((resolve) => {
        this.worker.on('message', (reply: Reply) => {
          if (reply.type === 'stopped') resolve();
        });
        this.worker.once('exit', () => {
          resolve();
        });
      });
      this.worker.postMessage({ type: 'stop' });
      await done;
      await this.worker.terminate();
    })();
    return this.stopped;
  }
}
