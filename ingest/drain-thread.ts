/**
 * The main thread's handle on the drain worker thread (drain-worker.ts): start it, read its
 * metrics, stop it. A worker that dies is reported as an error: ingest stops rather than keep
 * acknowledging messages that nothing would drain.
 */
import { Worker } from 'node:worker_threads';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { Config } from '../platform/config.ts';

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];
type Reply = { type: 'started' } | { type: 'stopped' } | { type: 'metrics'; id: number; json: MetricsJson };

/**
 * How long stop() waits for the drain side to finish its batches. A store that is down makes it
 * wait for ever (commands to Redis wait for a reconnect); past this, the thread is ended and its
 * batches stay in the journal for the next start. docker-compose.yml gives ingest 30 s to stop.
 */
const STOP_WAIT_MS = 20_000;

export class DrainThread {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, (json: MetricsJson) => void>();
  private stopped: Promise<boolean> | undefined;
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

  /** Resolves once the drain side has started: its loops wait for their stores on their own. */
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

  /**
   * Asks the drain side to finish its batches and close, then ends the thread. Resolves to false
   * when the drain side did not finish within STOP_WAIT_MS. Idempotent.
   */
  stop(): Promise<boolean> {
    this.stopped ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const finished = await new Promise<boolean>((resolve) => {
        this.worker.on('message', (reply: Reply) => {
          if (reply.type === 'stopped') resolve(true);
        });
        this.worker.once('exit', () => {
          resolve(true);
        });
        timer = setTimeout(resolve, STOP_WAIT_MS, false);
        this.worker.postMessage({ type: 'stop' });
      });
      clearTimeout(timer);
      await this.worker.terminate();
      return finished;
    })();
    return this.stopped;
  }
}
