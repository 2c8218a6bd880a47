/**
 * The meter readings behind an entry, for a chart beside it (the review page): the readings of the
 * entry's intake over its window and a margin either side, per meter, from InfluxDB. The entry is
 * found as getItemDetail finds it: one the principal may not see does not exist here either.
 */
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import type { InfluxReader } from '../../platform/influx/readings-reader.ts';
import { DAY_MS } from '../../platform/local-time.ts';
import type { Principal } from '../access/index.ts';
import { fetchIntakeSeries, MAX_SERIES_POINTS, meterSeries } from '../accounts/index.ts';
import { ledgerId } from './schemas.ts';
import { scopePrefix, visibleItems } from './scope.ts';

/** Shown before the window's start and after its end, so the chart has the readings around it. */
export const READINGS_MARGIN_MS = DAY_MS;
/** The longest span read: the part of a long window that ends at its end (plus the margin). */
export const MAX_READINGS_SPAN_MS = 31 * DAY_MS;

export const ledgerItemReadings = z
  .object({
    from: z.iso.datetime().describe('Start of the span read (inclusive): the window start less a day, or 31 days before `to`'),
    to: z.iso.datetime().describe('End of the span read (exclusive): the window end plus a day'),
    meters: z
      .array(meterSeries)
      .describe('One series per meter of the intake with readings in the span; none when the entry has no intake'),
    downsampled: z
      .boolean()
      .describe(`True when a meter had more than ${MAX_SERIES_POINTS} readings and every series is in equal time buckets instead`),
  })
  .describe("The readings of the entry's intake around its window, per meter");
export type LedgerItemReadings = z.infer<typeof ledgerItemReadings>;

/** The span read for a window [startMs, endMs]: the margin either side, at most MAX_READINGS_SPAN_MS ending at its end. */
export function readingsSpan(startMs: number, endMs: number): { fromMs: number; toMs: number } {
  const toMs = endMs + READINGS_MARGIN_MS;
  return { fromMs: Math.max(startMs - READINGS_MARGIN_MS, toMs - MAX_READINGS_SPAN_MS), toMs };
}

/**
 * The readings behind entry `id`; undefined when the principal may not see it (or it does not
 * exist). Throws the reader's error when InfluxDB does not answer.
 */
export async function getItemReadings(
  db: Db,
  influx: InfluxReader,
  p: Principal,
  id: string,
  o: { maxPoints?: number } = {},
): Promise<LedgerItemReadings | undefined> {
  if (!ledgerId.safeParse(id).success) return undefined;
  const prefix = scopePrefix(p);
  if (prefix === null) return undefined;
  const row = await db
    .selectFrom('ledger_items')
    .select(['intake_id', 'window_start', 'window_end'])
    .where('id', '=', id)
    .where((eb) => visibleItems(eb, p, prefix))
    .executeTakeFirst();
  if (!row) return undefined;
  const { fromMs, toMs } = readingsSpan(row.window_start.getTime(), row.window_end.getTime());
  const series =
    row.intake_id === null
      ? { meters: [], downsampled: false }
      : await fetchIntakeSeries(influx, row.intake_id, fromMs, toMs, o.maxPoints ?? MAX_SERIES_POINTS);
  return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), ...series };
}
