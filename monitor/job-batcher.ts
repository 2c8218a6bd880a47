/**
 * Gathers jobs that BullMQ hands to a worker one at a time into batches, so that one InfluxQL
 * query serves hundreds of intakes. Each job's promise settles with its batch; a failed batch fails
 * each of its jobs, which BullMQ then retries with back-off.
 */
export interface JobBatcherOptions<T> {
  /** Runs a batch. */
  run: (items: T[]) => Promise<void>;
  /** Largest batch. Default 500. */
  maxItems?: number;
  /** How long the first item of a batch waits for company, in ms. Default 100. */
  maxWaitMs?: number;
}

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class JobBatcher<T> {
  private readonly o: Required<JobBatcherOptions<T>>;
  private waiting: Waiting<T>[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(options: JobBatcherOptions<T>) {
    this.o = { maxItems: 500, maxWaitMs: 100, ...options };
  }

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length >= this.o.maxItems) this.flush();
      else
        this.timer ??= setTimeout(() => {
          this.flush();
        }, this.o.maxWaitMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    this.o.run(batch.map((w) => w.item)).then(
      () => {
        for (const w of batch) w.resolve();
      },
      (err: unknown) => {
        for (const w of batch) w.reject(err);
      },
    );
  }
}
