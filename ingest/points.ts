/** Readings and status changes as InfluxDB points, per the layout in common/telemetry/point-layout.ts. */
import { Point } from '@influxdata/influxdb-client';
import type { Reading } from '../common/telemetry/meter-contract.ts';
import { FIELD, MEASUREMENT, TAG } from '../common/telemetry/point-layout.ts';
import type { MeterPlacement } from './meter-directory.ts';

function placed(measurement: string, meterId: string, placement: MeterPlacement | undefined): Point {
  const point = new Point(measurement).tag(TAG.meter, meterId);
  if (placement) point.tag(TAG.intake, placement.intakeId).tag(TAG.county, placement.countyCode);
  return point;
}

export function readingPoint(meterId: string, placement: MeterPlacement | undefined, r: Reading, receivedMs: number): Point {
  const point = placed(placement ? MEASUREMENT.readings : MEASUREMENT.unregisteredReadings, meterId, placement)
    .floatField(FIELD.totalM3, r.totalM3)
    .intField(FIELD.receivedMs, receivedMs)
    .timestamp(r.ts);
  if (r.flowM3h !== undefined) point.floatField(FIELD.flowM3h, r.flowM3h);
  if (r.seq !== undefined) point.intField(FIELD.seq, r.seq);
  const s = r.status;
  if (s) {
    if (s.powerOff !== undefined) point.booleanField(FIELD.powerOff, s.powerOff);
    if (s.tamper !== undefined) point.booleanField(FIELD.tamper, s.tamper);
    if (s.lowBattery !== undefined) point.booleanField(FIELD.lowBattery, s.lowBattery);
    if (s.reverseFlow !== undefined) point.booleanField(FIELD.reverseFlow, s.reverseFlow);
  }
  return point;
}

export function statusPoint(meterId: string, placement: MeterPlacement | undefined, online: boolean, receivedMs: number): Point {
  return placed(MEASUREMENT.meterStatus, meterId, placement).booleanField(FIELD.online, online).timestamp(receivedMs);
}
