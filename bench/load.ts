/**
 * A fixed-concurrency HTTP load generator on node:http with keep-alive: `concurrency` loops each
 * send one request after another for `seconds`; every latency is kept, so the p99 is exact.
 * (autocannon would do the same; this keeps bench:api free of a dependency.)
 */
import http from 'node:http';

export interface LoadResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  firstError?: string;
}

function get(agent: http.Agent, base: URL, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ agent, host: base.hostname, port: base.port, path, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        resolve(res.statusCode ?? 0);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** Drives `nextPath()` at `concurrency` for `seconds`; a non-2xx answer counts as an error. */
export async function drive(o: {
  base: URL;
  headers: Record<string, string>;
  concurrency: number;
  seconds: number;
  nextPath: () => string;
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const until = started + o.seconds * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      // A failed connection counts as an error, like a non-2xx answer, and the loop goes on.
      const status = await get(agent, o.base, o.nextPath(), o.headers).catch((err: unknown) => {
        firstError ??= err instanceof Error ? err.message : String(err);
        return 0;
      });
      latencies.push(performance.now() - t0);
      if (status < 200 || status >= 300) errors++;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, loop));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    rps: Math.round(latencies.length / elapsed),
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    errors,
    ...(firstError ? { firstError } : {}),
  };
}
