import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { JobBatcher } from './job-batcher.ts';

describe('JobBatcher', () => {
  it('runs a full batch at once, and what is left once the first of it has waited maxWaitMs', async () => {
    const batches: number[][] = [];
    const batcher = new JobBatcher<number>({
      maxItems: 3,
      maxWaitMs: 50,
      run: (items) => {
        batches.push(items);
        return Promise.resolve();
      },
    });
    const settled = [1, 2, 3, 4].map((n) => batcher.add(n));
    await Promise.all(settled.slice(0, 3));
    expect(batches).toEqual([[1, 2, 3]]);
    await sleep(20);
    expect(batches).toEqual([[1, 2, 3]]); // 4 waits for company
    await settled[3];
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('fails each job of a failed batch (the worker then retries them with back-off) and goes on with the next', async () => {
    let calls = 0;
    const batcher = new JobBatcher<string>({
      maxItems: 2,
      run: () => (calls++ === 0 ? Promise.reject(new Error('InfluxDB is down')) : Promise.resolve()),
    });
    const failed = [batcher.add('a'), batcher.add('b')];
    for (const job of failed) await expect(job).rejects.toThrow('InfluxDB is down');
    await expect(Promise.all([batcher.add('a'), batcher.add('b')])).resolves.toEqual([undefined, undefined]);
  });
});
