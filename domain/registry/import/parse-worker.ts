/**
 * The worker thread that reads an uploaded file (parse-off-thread.ts starts it): the file in
 * workerData, the sheet or the error, as plain data, back in one message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ImportLimitError, UnreadableFileError } from './errors.ts';
import { type ParsedSheet, parseSheet, type SheetLimits } from './parse.ts';

export interface ParseRequest {
  bytes: Uint8Array;
  limits: SheetLimits;
}

export type ParseReply =
  | { ok: true; sheet: ParsedSheet }
  | { ok: false; error: { kind: 'limit'; limit: ImportLimitError['limit']; max: number; actual: number } }
  | { ok: false; error: { kind: 'unreadable'; reason: UnreadableFileError['reason']; message: string } }
  | { ok: false; error: { kind: 'other'; message: string } };

async function reply(request: ParseRequest): Promise<ParseReply> {
  try {
    return { ok: true, sheet: await parseSheet(request.bytes, request.limits) };
  } catch (err) {
    if (err instanceof ImportLimitError) return { ok: false, error: { kind: 'limit', limit: err.limit, max: err.max, actual: err.actual } };
    if (err instanceof UnreadableFileError) return { ok: false, error: { kind: 'unreadable', reason: err.reason, message: err.message } };
    return { ok: false, error: { kind: 'other', message: err instanceof Error ? (err.stack ?? err.message) : String(err) } };
  }
}

parentPort?.postMessage(await reply(workerData as ParseRequest));
