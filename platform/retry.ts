/** Retrying an operation against a store that may be down for a while, with capped exponential back-off. */

export interface RetryOptions {
  /** First wait in ms. Default 100. */
  initialDelayMs?: number;
  /** Longest wait in ms. Default 30000. */
  maxDelayMs?: number;
  /** Stop retrying (and throw the last error) once this is aborted. */
  signal?: AbortSignal;
  /** False to give up at once on this error. Default: retry every error. */
  shouldRetry?: (error: unknown) => boolean;
  /** Called before each wait, e.g. to log and count the failure. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export class RetryAbortedError extends Error {
  constructor(options?: ErrorOptions) {
    super('retry abandoned: shutting down', options);
    this.name = 'RetryAbortedError';
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Runs `operation` until it succeeds, the error is not retriable, or `signal` aborts. */
export async function retryUntilDone<T>(operation: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { initialDelayMs = 100, maxDelayMs = 30_000, signal, shouldRetry = () => true, onRetry } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (err) {
      if (!shouldRetry(err)) throw err;
      if (signal?.aborted) throw new RetryAbortedError({ cause: err });
      const delayMs = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt - 1, 20));
      onRetry?.(err, attempt, delayMs);
      await sleep(delayMs, signal);
      if (signal?.aborted) throw new RetryAbortedError({ cause: err });
    }
  }
}
