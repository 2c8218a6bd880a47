/**
 * Meter id -> intake and county, from the registry, held in memory for the hot path. It notices
 * registry changes without a restart: every `refreshMs` it compares the newest registry_changes id
 * with the one it loaded at, and reloads when they differ. An unknown meter brings that check
 * forward (at most every UNKNOWN_RECHECK_MS) so a meter registered a moment ago is not called
 * unregistered.
 */
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { MeterPlacement } from '../domain/telemetry/index.ts';

const UNKNOWN_RECHECK_MS = 250;

export class MeterDirectory {
  private meters = new Map<string, MeterPlacement>();
  private loadedAtChange = '';
  private lastCheckMs = 0;
  /** The refresh in progress: concurrent callers wait for it rather than read a half-loaded map. */
  private refreshing: Promise<void> | undefined;
  private readonly db: Db;
  private readonly refreshMs: number;

  constructor(db: Db, refreshMs: number) {
    this.db = db;
    this.refreshMs = refreshMs;
  }

  get size(): number {
    return this.meters.size;
  }

  /**
   * The placements, current for these meter ids: the map as loaded, shared and never changed in
   * place (a reload replaces it), so a batch costs no copy; `get` gives undefined for a meter the
   * registry does not know.
   */
  async resolve(meterIds: Iterable<string>, nowMs = Date.now()): Promise<ReadonlyMap<string, MeterPlacement>> {
    const sinceCheck = nowMs - this.lastCheckMs;
    if (sinceCheck >= this.refreshMs || (sinceCheck >= Math.min(this.refreshMs, UNKNOWN_RECHECK_MS) && this.anyUnknown(meterIds))) {
      this.lastCheckMs = nowMs;
      this.refreshing ??= this.refresh()
        .catch((err: unknown) => {
          // Not loaded: the caller's retry must load again, not be handed the old (or, at start,
          // empty) map, which would file every reading as an unregistered meter's.
          this.lastCheckMs = 0;
          throw err;
        })
        .finally(() => {
          this.refreshing = undefined;
        });
    }
    await this.refreshing;
    return this.meters;
  }

  private anyUnknown(meterIds: Iterable<string>): boolean {
    for (const id of meterIds) if (!this.meters.has(id)) return true;
    return false;
  }

  /** Reloads when the registry changed since the last load. */
  private async refresh(): Promise<void> {
    // max(id) alone would miss a long transaction (a bulk import) that took lower ids but committed
    // after a quick change was seen: the count moves when it commits.
    const latest = await sql<{
      id: string;
    }>`select coalesce(max(id), 0)::text || '/' || count(*)::text as id from registry_changes`.execute(this.db);
    const changeId = latest.rows[0]?.id ?? '0/0';
    if (changeId === this.loadedAtChange && this.meters.size > 0) return;
    const rows = await this.db
      .selectFrom('meters')
      .innerJoin('intakes', 'intakes.id', 'meters.intake_id')
      .select(['meters.meter_id', 'meters.intake_id', 'intakes.county_code', 'intakes.confidential'])
      .execute();
    this.meters = new Map(
      rows.map((r) => [r.meter_id, { intakeId: r.intake_id, countyCode: r.county_code, confidential: r.confidential }]),
    );
    this.loadedAtChange = changeId;
  }
}
