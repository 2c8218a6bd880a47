/**
 * Reading an uploaded file off the event loop: an XLSX takes seconds of CPU and, decompressed,
 * hundreds of MB, which in the API's thread would stall every other request (/healthz included)
 * and could take the process down. Each file is read in a worker thread whose heap is capped
 * (PARSE_HEAP_MB); a file that needs more ends the worker and is refused as over the 'memory'
 * limit. One file is read at a time, so the bound holds however many uploads arrive together.
 */
import { Worker } from 'node:worker_threads';
import { ImportLimitError, UnreadableFileError } from './errors.ts';
import type { ParsedSheet, SheetLimits } from './parse.ts';
import type { ParseReply, ParseRequest } from './parse-worker.ts';

/** The reading worker's old-generation heap, MiB (young generation and code add about 50 MiB). */
export const PARSE_HEAP_MB = 512;
const YOUNG_HEAP_MB = 16;

let queue: Promise<unknown> = Promise.resolve();

/** heapMb: the worker's old-generation cap; tests lower it to see a file refused for memory. */
export function parseSheetOffThread(bytes: Uint8Array, limits: SheetLimits, heapMb = PARSE_HEAP_MB): Promise<ParsedSheet> {
  const run = queue.then(() => parseInWorker(bytes, limits, heapMb));
  queue = run.catch(() => undefined);
  return run;
}

function parseInWorker(bytes: Uint8Array, limits: SheetLimits, heapMb: number): Promise<ParsedSheet> {
  return new Promise((resolve, reject) => {
    const request: ParseRequest = { bytes, limits };
    const worker = new Worker(new URL('./parse-worker.ts', import.meta.url), {
      workerData: request,
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: YOUNG_HEAP_MB },
    });
    let settled = false;
    worker.once('message', (reply: ParseReply) => {
      settled = true;
      // A refused archive may still be inflating in the background: stop it now.
      void worker.terminate();
      if (reply.ok) resolve(reply.sheet);
      else if (reply.error.kind === 'limit') reject(new ImportLimitError(reply.error.limit, reply.error.max, reply.error.actual));
      else if (reply.error.kind === 'unreadable') reject(new UnreadableFileError(reply.error.reason, reply.error.message));
      else reject(new Error(`reading the import file failed: ${reply.error.message}`));
    });
    worker.once('error', (err: Error & { code?: string }) => {
      settled = true;
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') reject(new ImportLimitError('memory', heapMb, heapMb));
      else reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the import file reader stopped (exit code ${code}) without an answer`));
    });
  });
}
