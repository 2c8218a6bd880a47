/**
 * Readings and status changes as InfluxDB line protocol, per the layout in
 * domain/telemetry/point-layout.ts, millisecond timestamps (the store writes with precision=ms).
 *
 * Built as strings here rather than through the client's Point class: at tens of thousands of
 * readings a second, Point's objects and sorting were a large share of the drain's time and
 * garbage. Tags are written in key order (county, intake, meter) as InfluxDB prefers; points.test.ts
 * checks the output against Point's for every kind of reading.
 */
import type { Reading } from './meter-contract.ts';
import { FIELD, MEASUREMENT, TAG } from './point-layout.ts';

/** Line protocol escaping of a tag value (commas, equals signs, spaces). */
function tagValue(value: string): string {
  return /[,= \\\n]/.test(value) ? value.replace(/([,= \\])/g, '\\$1').replace(/\n/g, '\\n') : value;
}

/** Where the registry places a meter: the tags of its points. */
export interface MeterPlacement {
  intakeId: string;
  countyCode: string;
  /** The intake is confidential: its points go to the confidential database (docs/point-layout.md). */
  confidential?: boolean;
}

function seriesKey(measurement: string, meterId: string, placement: MeterPlacement | undefined): string {
  const meter = `${TAG.meter}=${tagValue(meterId)}`;
  if (!placement) return `${measurement},${meter}`;
  return `${measurement},${TAG.county}=${tagValue(placement.countyCode)},${TAG.intake}=${tagValue(placement.intakeId)},${meter}`;
}

/** Line protocol's short booleans, as Point writes them. */
const bool = (value: boolean) => (value ? 'T' : 'F');

/** A finite number as a line-protocol float (the meter contract has already refused non-finite ones). */
function float(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`invalid float value: ${value}`);
  return String(value);
}

/** The series of a meter's readings: measurement and tags, the same for every reading of one message. */
export function readingSeries(meterId: string, placement: MeterPlacement | undefined): string {
  return seriesKey(placement ? MEASUREMENT.readings : MEASUREMENT.unregisteredReadings, meterId, placement);
}

/** A reading's line in `series` (readingSeries). */
export function readingLineIn(series: string, r: Reading, receivedMs: number): string {
  // Fields in key order, as Point writes them; appended to one string, as an array joined per
  // reading was a large share of the drain's time.
  const s = r.status;
  let fields = '';
  if (r.flowM3h !== undefined) fields += `${FIELD.flowM3h}=${float(r.flowM3h)},`;
  if (s?.lowBattery !== undefined) fields += `${FIELD.lowBattery}=${bool(s.lowBattery)},`;
  if (s?.powerOff !== undefined) fields += `${FIELD.powerOff}=${bool(s.powerOff)},`;
  fields += `${FIELD.receivedMs}=${Math.trunc(receivedMs)}i,`;
  if (s?.reverseFlow !== undefined) fields += `${FIELD.reverseFlow}=${bool(s.reverseFlow)},`;
  if (r.seq !== undefined) fields += `${FIELD.seq}=${Math.trunc(r.seq)}i,`;
  if (s?.tamper !== undefined) fields += `${FIELD.tamper}=${bool(s.tamper)},`;
  return `${series} ${fields}${FIELD.totalM3}=${float(r.totalM3)} ${Math.trunc(r.ts)}`;
}

export function readingLine(meterId: string, placement: MeterPlacement | undefined, r: Reading, receivedMs: number): string {
  return readingLineIn(readingSeries(meterId, placement), r, receivedMs);
}

export function statusLine(meterId: string, placement: MeterPlacement | undefined, online: boolean, receivedMs: number): string {
  return `${seriesKey(MEASUREMENT.meterStatus, meterId, placement)} ${FIELD.online}=${bool(online)} ${Math.trunc(receivedMs)}`;
}
