/** Quantiles from a Prometheus histogram's cumulative buckets (linear within a bucket, as PromQL does). */
export interface Bucket {
  le: number;
  count: number;
}

export function parseHistogram(metricsText: string, name: string): Bucket[] {
  const buckets: Bucket[] = [];
  for (const line of metricsText.split('\n')) {
    const match = new RegExp(`^${name}_bucket\\{.*le="([^"]+)".*\\} (\\S+)$`).exec(line);
    if (match?.[1] && match[2]) buckets.push({ le: match[1] === '+Inf' ? Infinity : Number(match[1]), count: Number(match[2]) });
  }
  return buckets.sort((a, b) => a.le - b.le);
}

/** What a histogram counted between two scrapes of the same metrics (`before`, then `after`). */
export function histogramBetween(before: readonly Bucket[], after: readonly Bucket[]): Bucket[] {
  return after.map((b, i) => ({ le: b.le, count: b.count - (before[i]?.count ?? 0) }));
}

export function quantile(buckets: readonly Bucket[], q: number): number {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let lowerLe = 0;
  let lowerCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return lowerLe;
      return lowerLe + ((b.le - lowerLe) * (rank - lowerCount)) / Math.max(1, b.count - lowerCount);
    }
    lowerLe = b.le;
    lowerCount = b.count;
  }
  return lowerLe;
}
