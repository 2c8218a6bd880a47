/** Rejected messages in PostgreSQL (ingest_rejections), with bounded retention. */
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { RejectionCode } from './rejection-codes.ts';
import { isRefusedStatement } from '../../platform/db/refusal.ts';

/** Raw bytes kept per rejection; the true size is kept beside them. */
export const MAX_STORED_PAYLOAD_BYTES = 64 * 1024;

export interface Rejection {
  receivedMs: number;
  topic: string;
  meterId: string | undefined;
  code: RejectionCode;
  reason: string;
  payload: Buffer;
}

/** A rejection PostgreSQL refused to keep even alone, with its answer. */
export interface UnstorableRejection {
  rejection: Rejection;
  error: Error;
}

/** Rows per INSERT: 7 bind parameters each, so 7,000 a statement, well below the protocol's 65,535. */
const ROWS_PER_STATEMENT = 1000;

/**
 * `text` as PostgreSQL `text` can hold it: NUL (U+0000), which no `text` value may contain, is
 * written as the six characters \u0000. The raw bytes are kept as received in `payload` (bytea).
 */
export function storableText(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\\u0000') : text;
}

export class RejectionStore {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  /**
   * Keeps the rejections; one already kept (a replayed batch's: same receipt, topic and bytes) is
   * skipped. Sent in statements of ROWS_PER_STATEMENT rows, as one statement carries at most 65,535
   * bind parameters. A statement PostgreSQL refuses is tried again row by row, so that one row it
   * cannot take does not cost the others; the rows refused alone are returned, for the caller to
   * log and count, instead of failing the batch, which would hold up the log behind it for ever.
   * Any other failure (PostgreSQL unreachable) is thrown, for the caller to retry.
   */
  async insert(rejections: readonly Rejection[]): Promise<UnstorableRejection[]> {
    const unstorable: UnstorableRejection[] = [];
    for (let from = 0; from < rejections.length; from += ROWS_PER_STATEMENT) {
      const chunk = rejections.slice(from, from + ROWS_PER_STATEMENT);
      try {
        await this.insertRows(chunk);
      } catch (err) {
        if (!isRefusedStatement(err)) throw err;
        unstorable.push(...(await this.insertOneByOne(chunk)));
      }
    }
    return unstorable;
  }

  private async insertOneByOne(rejections: readonly Rejection[]): Promise<UnstorableRejection[]> {
    const unstorable: UnstorableRejection[] = [];
    for (const rejection of rejections) {
      try {
        await this.insertRows([rejection]);
      } catch (err) {
        if (!isRefusedStatement(err)) throw err;
        unstorable.push({ rejection, error: err });
      }
    }
    return unstorable;
  }

  private async insertRows(rejections: readonly Rejection[]): Promise<void> {
    if (rejections.length === 0) return;
    await this.db
      .insertInto('ingest_rejections')
      .values(
        rejections.map((r) => ({
          received_at: new Date(r.receivedMs),
          topic: storableText(r.topic.slice(0, 1024)),
          meter_id: r.meterId === undefined ? null : storableText(r.meterId),
          reason_code: r.code,
          reason: storableText(r.reason.slice(0, 2000)),
          payload: r.payload.subarray(0, MAX_STORED_PAYLOAD_BYTES),
          payload_bytes: r.payload.length,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  /** Deletes rejections older than `retentionDays`, then all but the newest `maxRows`. */
  async prune(retentionDays: number, maxRows: number): Promise<number> {
    const byAge = await this.db
      .deleteFrom('ingest_rejections')
      .where('received_at', '<', sql<Date>`now() - make_interval(days => ${retentionDays})`)
      .executeTakeFirst();
    const byCount = await sql`delete from ingest_rejections where id <= (
        select id from ingest_rejections order by id desc offset ${maxRows} limit 1)`.execute(this.db);
    return Number(byAge.numDeletedRows) + Number(byCount.numAffectedRows ?? 0n);
  }
}
