/**
 * One intake's readings as a series per meter, for a chart (the review page): each reading's
 * register total and flow over a window. At most `maxPoints` a meter: past that, InfluxDB thins
 * every meter alike into equal time buckets (the bucket's last total, its mean flow), so the
 * total's curve keeps its true values at the bucket ends and no reading's flow is left out.
 *
 * The series of an intake are in the ordinary or the confidential database (MergedInfluxReader
 * reads both); a meter's rows from both are merged by time.
 */
import { z } from 'zod';
import type { InfluxSeries } from '../../platform/influx/influx-store.ts';
import type { InfluxReader } from '../../platform/influx/readings-reader.ts';
import { FIELD, MEASUREMENT, TAG } from '../telemetry/index.ts';
import { influxTime, intakeCondition } from './readings-source.ts';

/** Points a meter's series holds at most before it is thinned. */
export const MAX_SERIES_POINTS = 2000;

export const meterSeriesPoint = z.object({
  at: z.iso.datetime().describe('When the meter read (a bucket: its start)'),
  totalM3: z.number().nullable().describe('Register total, m³ (a bucket: its last)'),
  flowM3h: z.number().nullable().describe('Flow rate, m³/h (a bucket: its mean); null when the meter sent none'),
});
export type MeterSeriesPoint = z.infer<typeof meterSeriesPoint>;

export const meterSeries = z.object({
  meterId: z.string().describe('The id the meter uses on MQTT'),
  points: z.array(meterSeriesPoint).describe('In time order'),
});
export type MeterSeries = z.infer<typeof meterSeries>;

export interface IntakeSeries {
  /** One entry per meter with readings in the window, by meter id. */
  meters: MeterSeries[];
  /** True when the series were thinned to buckets (some meter had more than maxPoints). */
  downsampled: boolean;
}

/**
 * The bucket, in whole seconds, that puts [fromMs, toMs) in at most `maxPoints` buckets: buckets
 * are aligned on the epoch, so the window may touch one more than span / bucket.
 */
export function seriesBucketS(fromMs: number, toMs: number, maxPoints: number): number {
  return Math.max(1, Math.ceil((toMs - fromMs) / Math.max(1, maxPoints - 1) / 1000));
}

/** Each reading of the intake's meters in [fromMs, toMs), at most `limit` a meter; or, with `bucketS`, per bucket. */
export function seriesQuery(intakeId: string, fromMs: number, toMs: number, o: { limit: number } | { bucketS: number }): string {
  const [total, flow] = [`"${FIELD.totalM3}"`, `"${FIELD.flowM3h}"`];
  const from = `FROM "${MEASUREMENT.readings}" WHERE ${intakeCondition([intakeId])} AND time >= ${influxTime(fromMs)} AND time < ${influxTime(toMs)}`;
  return 'limit' in o
    ? `SELECT ${total}, ${flow} ${from} GROUP BY "${TAG.meter}" LIMIT ${Math.trunc(o.limit)}`
    : `SELECT last(${total}) AS ${total}, mean(${flow}) AS ${flow} ${from} GROUP BY time(${Math.trunc(o.bucketS)}s), "${TAG.meter}" fill(none)`;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

interface Row {
  ts: number;
  totalM3: number | null;
  flowM3h: number | null;
}

/** Rows of each meter (from either database), by meter id. */
function byMeter(series: InfluxSeries[]): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const s of series) {
    const meterId = s.tags?.[TAG.meter];
    if (meterId === undefined) continue;
    const at = (row: unknown[], column: string) => num(row[s.columns.indexOf(column)]);
    const rows = out.get(meterId) ?? [];
    for (const row of s.values) {
      const ts = at(row, 'time');
      if (ts !== null) rows.push({ ts, totalM3: at(row, FIELD.totalM3), flowM3h: at(row, FIELD.flowM3h) });
    }
    out.set(meterId, rows);
  }
  return out;
}

/**
 * The intake's readings in [fromMs, toMs) per meter. One query while every meter has at most
 * `maxPoints` readings there (it asks for one more to know); otherwise a second one, by bucket.
 */
export async function fetchIntakeSeries(
  influx: InfluxReader,
  intakeId: string,
  fromMs: number,
  toMs: number,
  maxPoints: number = MAX_SERIES_POINTS,
): Promise<IntakeSeries> {
  if (toMs <= fromMs) return { meters: [], downsampled: false };
  const [raw = []] = await influx.query(seriesQuery(intakeId, fromMs, toMs, { limit: maxPoints + 1 }));
  let rows = byMeter(raw);
  const downsampled = [...rows.values()].some((r) => r.length > maxPoints);
  if (downsampled) {
    const [buckets = []] = await influx.query(seriesQuery(intakeId, fromMs, toMs, { bucketS: seriesBucketS(fromMs, toMs, maxPoints) }));
    rows = byMeter(buckets);
  }
  const meters = [...rows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([meterId, points]) => ({
      meterId,
      points: points.sort((a, b) => a.ts - b.ts).map((p) => ({ at: new Date(p.ts).toISOString(), totalM3: p.totalM3, flowM3h: p.flowM3h })),
    }));
  return { meters, downsampled };
}
