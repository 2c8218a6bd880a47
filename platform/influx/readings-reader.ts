/**
 * Readings are kept in two databases (v1) or buckets (v2): the ordinary one, which Grafana is
 * given, and one for confidential intakes, which it is not (docs/point-layout.md). The monitor
 * reads both as one through this reader: each statement's series from both, side by side (an
 * intake's series live in exactly one of them).
 */
import type { InfluxConfig } from '../config.ts';
import { InfluxQueryError, type InfluxSeries, InfluxStore } from './influx-store.ts';

/** What a reader of readings needs of InfluxDB. */
export type InfluxReader = Pick<InfluxStore, 'query'>;

/** The store of confidential intakes' readings. */
export function confidentialInfluxStore(config: InfluxConfig): InfluxStore {
  return new InfluxStore({ ...config, database: config.confidentialDatabase ?? `${config.database}_confidential` });
}

/** Nothing written there yet: a database (v1) or bucket (v2) that does not exist holds no readings. */
function isMissingDatabase(err: unknown): boolean {
  return err instanceof InfluxQueryError && /database not found|bucket .*not found|HTTP 404/i.test(err.message);
}

/**
 * InfluxDB 1.x answers a query of several statements on a database that does not exist with
 * "statement 0: not executed" instead of "database not found": ask the database itself then.
 */
function maybeMissingDatabase(err: unknown): boolean {
  return err instanceof InfluxQueryError && /statement 0: not executed/.test(err.message);
}

async function databaseMissing(store: InfluxStore): Promise<boolean> {
  return store.query('SELECT * FROM "wim_probe" LIMIT 1').then(
    () => false,
    (err: unknown) => isMissingDatabase(err),
  );
}

export class MergedInfluxReader implements InfluxReader {
  private readonly stores: readonly InfluxStore[];
  constructor(stores: readonly InfluxStore[]) {
    this.stores = stores;
  }

  /** Both databases of a configuration. */
  static of(config: InfluxConfig): MergedInfluxReader {
    return new MergedInfluxReader([new InfluxStore(config), confidentialInfluxStore(config)]);
  }

  async query(influxql: string): Promise<InfluxSeries[][]> {
    const answers = await Promise.all(
      this.stores.map((s) =>
        s.query(influxql).catch(async (err: unknown) => {
          if (isMissingDatabase(err) || (maybeMissingDatabase(err) && (await databaseMissing(s)))) return [];
          throw err;
        }),
      ),
    );
    const statements = Math.max(...answers.map((a) => a.length));
    return Array.from({ length: statements }, (_, i) => answers.flatMap((a) => a[i] ?? []));
  }
}
