/**
 * Readings for accounting, fetched from InfluxDB for many intakes per query (InfluxQL over /query):
 * the readings in a window, and per meter the last reading before it and the first after it
 * (MeterHistory in domain/accounts/types.ts). One round trip per chunk of intakes, three statements.
 */
import type { InfluxSeries } from '../../platform/influx/influx-store.ts';
import type { InfluxReader } from '../../platform/influx/readings-reader.ts';
import { FIELD, MEASUREMENT, TAG } from '../telemetry/index.ts';
import type { AccountReading } from './index.ts';

/** How far before and after the window to look for a meter's neighbouring reading. */
const NEIGHBOUR_LOOKAROUND_MS = 366 * 86_400_000;

export interface MeterReadings {
  readings: AccountReading[];
  before: AccountReading | null;
  after: AccountReading | null;
}

/** intakeId -> meterId -> readings */
export type ReadingsByIntake = Map<string, Map<string, MeterReadings>>;

const quote = (id: string) => `'${id.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
/** An instant as an InfluxQL time literal (RFC 3339, quoted). */
export const influxTime = (ms: number): string => `'${new Date(ms).toISOString()}'`;

/** InfluxQL condition selecting these intakes' series (tag values quoted as InfluxQL strings). */
export function intakeCondition(intakeIds: readonly string[]): string {
  return `(${intakeIds.map((id) => `"${TAG.intake}" = ${quote(id)}`).join(' OR ')})`;
}

export function readingsQuery(intakeIds: readonly string[], fromMs: number, toMs: number): string {
  const where = intakeCondition(intakeIds);
  const fields = [FIELD.totalM3, FIELD.flowM3h, FIELD.powerOff, FIELD.tamper, FIELD.reverseFlow, FIELD.lowBattery, FIELD.receivedMs]
    .map((f) => `"${f}"`)
    .join(', ');
  const m = `"${MEASUREMENT.readings}"`;
  const by = `GROUP BY "${TAG.intake}", "${TAG.meter}"`;
  return [
    `SELECT ${fields} FROM ${m} WHERE ${where} AND time >= ${influxTime(fromMs)} AND time < ${influxTime(toMs)} ${by}`,
    `SELECT last("${FIELD.totalM3}") FROM ${m} WHERE ${where} AND time >= ${influxTime(fromMs - NEIGHBOUR_LOOKAROUND_MS)} AND time < ${influxTime(fromMs)} ${by}`,
    `SELECT first("${FIELD.totalM3}"), "${FIELD.receivedMs}" FROM ${m} WHERE ${where} AND time >= ${influxTime(toMs)} AND time < ${influxTime(toMs + NEIGHBOUR_LOOKAROUND_MS)} ${by}`,
  ].join('; ');
}

function slot(out: ReadingsByIntake, series: InfluxSeries): MeterReadings | undefined {
  const intakeId = series.tags?.[TAG.intake];
  const meterId = series.tags?.[TAG.meter];
  if (!intakeId || !meterId) return undefined;
  let meters = out.get(intakeId);
  if (!meters) out.set(intakeId, (meters = new Map<string, MeterReadings>()));
  let entry = meters.get(meterId);
  if (!entry) meters.set(meterId, (entry = { readings: [], before: null, after: null }));
  return entry;
}

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
const bool = (v: unknown) => (typeof v === 'boolean' ? v : undefined);

function toReading(columns: string[], row: unknown[]): AccountReading | undefined {
  const at = (name: string) => row[columns.indexOf(name)];
  const ts = num(at('time'));
  const totalM3 = num(at(FIELD.totalM3));
  if (ts === undefined || totalM3 === undefined) return undefined;
  const flags = {
    powerOff: bool(at(FIELD.powerOff)),
    tamper: bool(at(FIELD.tamper)),
    reverseFlow: bool(at(FIELD.reverseFlow)),
    lowBattery: bool(at(FIELD.lowBattery)),
  };
  const status = Object.values(flags).some((f) => f !== undefined) ? flags : undefined;
  return { ts, totalM3, flowM3h: num(at(FIELD.flowM3h)), receivedMs: num(at(FIELD.receivedMs)), status };
}

/** Readings of these intakes in [fromMs, toMs), with each meter's neighbours outside it. */
export async function fetchReadings(
  influx: InfluxReader,
  intakeIds: readonly string[],
  fromMs: number,
  toMs: number,
): Promise<ReadingsByIntake> {
  const out: ReadingsByIntake = new Map();
  if (intakeIds.length === 0) return out;
  const [inWindow = [], before = [], after = []] = await influx.query(readingsQuery(intakeIds, fromMs, toMs));
  for (const series of inWindow) {
    const entry = slot(out, series);
    for (const row of series.values) {
      const reading = toReading(series.columns, row);
      if (entry && reading) entry.readings.push(reading);
    }
  }
  for (const [series, side] of [...before.map((s) => [s, 'before'] as const), ...after.map((s) => [s, 'after'] as const)]) {
    const row = series.values[0];
    const ts = num(row?.[0]);
    const totalM3 = num(row?.[1]);
    const entry = slot(out, series);
    // The reading after carries its arrival too: whether the window's last reading was held back
    // (a backlog's, not a clock's lateness) depends on when the next one arrived.
    const receivedMs = side === 'after' ? num(row?.[series.columns.indexOf(FIELD.receivedMs)]) : undefined;
    if (entry && ts !== undefined && totalM3 !== undefined)
      entry[side] = receivedMs === undefined ? { ts, totalM3 } : { ts, totalM3, receivedMs };
  }
  return out;
}
