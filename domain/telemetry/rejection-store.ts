/** Rejected messages in PostgreSQL (ingest_rejections), with bounded retention. */
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { RejectionCode } from './rejection-codes.ts';

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

export class RejectionStore {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  /** Keeps the rejections; one already kept (a replayed batch's: same receipt, topic and bytes) is skipped. */
  async insert(rejections: readonly Rejection[]): Promise<void> {
    if (rejections.length === 0) return;
    await this.db
      .insertInto('ingest_rejections')
      .values(
        rejections.map((r) => ({
          received_at: new Date(r.receivedMs),
          topic: r.topic.slice(0, 1024),
          meter_id: r.meterId ?? null,
          reason_code: r.code,
          reason: r.reason.slice(0, 2000),
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
