/**
 * The daily water-use accounts of one intake over a span of local days (docs/accounting.md).
 * Pure: the same input gives the same output, and a day's account does not depend on the span it
 * was computed in, as long as the caller fetched the readings readingWindow() asks for.
 */
import { DAY_MS } from '../../platform/local-time.ts';
import { completeness, expectedReports } from './completeness.ts';
import { flowVolumeMismatch, type IntervalInDay } from './flow-consistency.ts';
import {
  distinctReadings,
  inService,
  type MeterInterval,
  meterIntervals,
  type MeterPoint,
  meterPoints,
  serviceOverlapMs,
  serviceWindow,
} from './intervals.ts';
import { type AccountingOptions, resolveAccountingOptions, unitsPerM3 } from './options.ts';
import { clockDriftAnomalies, faultFlagAnomalies, heldBackReadings } from './reading-anomalies.ts';
import { type AccountingSpan, accountingSpan } from './span.ts';
import { splitAcrossDays, toM3 } from './split.ts';
import { stuckRegisterAnomalies } from './stuck-register.ts';
import type {
  AccountReading,
  Anomaly,
  DailyAccount,
  DayStatus,
  IntakeAccountInput,
  MeterDayEvidence,
  MeterHistory,
  MeterReplacement,
  ReplacementAnomaly,
  SegmentEnd,
  VolumeSegment,
} from './types.ts';

/** One meter's tally for one day of the span. */
interface MeterDay {
  units: number;
  inServiceMs: number;
  coveredMs: number;
  /** Some interval (of any kind) overlaps the day. */
  touched: boolean;
  /** In-service readings in the day, time-ordered, one per ts. */
  readings: AccountReading[];
  inDay: IntervalInDay[];
  anomalies: Anomaly[];
}

interface MeterAccount {
  meterId: string;
  reportingIntervalS: number;
  intervals: MeterInterval[];
  days: MeterDay[];
}

function accountMeter(
  history: MeterHistory,
  replacements: readonly MeterReplacement[],
  o: AccountingOptions,
  scale: number,
  span: AccountingSpan,
): MeterAccount {
  const { meter } = history;
  const dayCount = span.days.length;
  const window = serviceWindow(meter, replacements);
  const readings = distinctReadings(history);
  const points: MeterPoint[] = meterPoints(history, readings, window, scale);
  const intervals = meterIntervals(points, meter, o, scale);

  const days: MeterDay[] = span.days.map((_, i) => {
    const dayStart = span.startMs + i * DAY_MS;
    return {
      units: 0,
      inServiceMs: serviceOverlapMs(window, dayStart, dayStart + DAY_MS),
      coveredMs: 0,
      touched: false,
      readings: [],
      inDay: [],
      anomalies: [],
    };
  });
  const dayAt = (i: number): MeterDay | undefined => days[i];

  for (const r of readings) {
    if (r.ts < span.startMs || r.ts >= span.endMs || !inService(window, r.ts)) continue;
    dayAt(Math.floor((r.ts - span.startMs) / DAY_MS))?.readings.push(r);
  }

  for (const iv of intervals) {
    for (const piece of splitAcrossDays(iv.units, iv.from.ts, iv.to.ts, span.startMs, dayCount)) {
      const d = dayAt(piece.dayIndex);
      if (!d) continue;
      d.units += piece.units;
      d.touched = true;
      // A rollback's volume is unknown, not zero: its time does not count as covered.
      if (iv.kind !== 'rollback') d.coveredMs += piece.overlapMs;
      d.inDay.push({ interval: iv, units: piece.units, overlapMs: piece.overlapMs });
      if (iv.kind === 'rollover' && meter.registerMaxM3 !== null) {
        d.anomalies.push({
          kind: 'rollover',
          meterId: meter.meterId,
          fromMs: iv.from.ts,
          toMs: iv.to.ts,
          fromTotalM3: iv.from.totalM3,
          toTotalM3: iv.to.totalM3,
          registerMaxM3: meter.registerMaxM3,
          volumeM3: toM3(iv.units, scale),
        });
      } else if (iv.kind === 'rollback') {
        d.anomalies.push({
          kind: 'rollback',
          meterId: meter.meterId,
          fromMs: iv.from.ts,
          toMs: iv.to.ts,
          fromTotalM3: iv.from.totalM3,
          toTotalM3: iv.to.totalM3,
          dropM3: toM3(iv.from.units - iv.to.units, scale),
        });
      }
    }
  }

  for (const { dayIndex, anomaly } of stuckRegisterAnomalies(meter.meterId, points, o, span.startMs, dayCount)) {
    dayAt(dayIndex)?.anomalies.push(anomaly);
  }
  const heldBack = heldBackReadings(readings, o.clockDriftMaxMs);
  for (const d of days) {
    const mismatch = flowVolumeMismatch(meter, d.inDay, o, scale);
    if (mismatch) d.anomalies.push(mismatch);
    d.anomalies.push(...clockDriftAnomalies(meter.meterId, d.readings, heldBack, o), ...faultFlagAnomalies(meter.meterId, d.readings, o));
  }
  return { meterId: meter.meterId, reportingIntervalS: meter.reportingIntervalS, intervals, days };
}

/** The replacement's evidence, on the day it happened: the last old and first new readings around it. */
function replacementAnomaly(r: MeterReplacement, accounts: ReadonlyMap<string, MeterAccount>, scale: number): ReplacementAnomaly {
  const oldSide = accounts.get(r.oldMeterId)?.intervals.find((iv) => iv.to.origin === 'registered-final' && iv.to.ts === r.replacedAtMs);
  const newSide = accounts
    .get(r.newMeterId)
    ?.intervals.find((iv) => iv.from.origin === 'registered-initial' && iv.from.ts === r.replacedAtMs);
  return {
    kind: 'meter-replacement',
    meterId: r.newMeterId,
    fromMs: oldSide?.from.ts ?? r.replacedAtMs,
    toMs: newSide?.to.ts ?? r.replacedAtMs,
    oldMeterId: r.oldMeterId,
    newMeterId: r.newMeterId,
    replacedAtMs: r.replacedAtMs,
    lastOldTotalM3: oldSide?.from.totalM3 ?? null,
    oldFinalTotalM3: r.oldFinalTotalM3,
    newInitialTotalM3: r.newInitialTotalM3,
    firstNewTotalM3: newSide?.to.totalM3 ?? null,
    oldPartM3: oldSide ? toM3(oldSide.units, scale) : null,
    newPartM3: newSide ? toM3(newSide.units, scale) : null,
  };
}

const segmentEnd = (p: MeterPoint): SegmentEnd => ({ ms: p.ts, totalM3: p.totalM3, origin: p.origin });

/** The day's intervals as evidence; consecutive plain reading-to-reading intervals inside the day merge. */
function segments(inDay: readonly IntervalInDay[], dayStart: number, scale: number): VolumeSegment[] {
  const dayEnd = dayStart + DAY_MS;
  const out: { segment: VolumeSegment; units: number; dayUnits: number; mergeable: boolean }[] = [];
  for (const { interval: iv, units } of inDay) {
    const mergeable =
      iv.kind === 'advance' && iv.from.origin === 'reading' && iv.to.origin === 'reading' && iv.from.ts >= dayStart && iv.to.ts <= dayEnd;
    const last = out[out.length - 1];
    if (mergeable && last?.mergeable && last.segment.to.ms === iv.from.ts) {
      last.segment.to = segmentEnd(iv.to);
      last.segment.intervals++;
      last.units += iv.units;
      last.dayUnits += units;
      continue;
    }
    out.push({
      segment: { kind: iv.kind, from: segmentEnd(iv.from), to: segmentEnd(iv.to), intervals: 1, volumeM3: 0, dayVolumeM3: 0 },
      units: iv.units,
      dayUnits: units,
      mergeable,
    });
  }
  return out.map(({ segment, units, dayUnits }) => ({ ...segment, volumeM3: toM3(units, scale), dayVolumeM3: toM3(dayUnits, scale) }));
}

function dayStatus(received: number, touched: boolean, coveredMs: number, inServiceMs: number, units: number): DayStatus {
  if (received === 0 && !touched) return 'missing';
  if (coveredMs < inServiceMs) return 'partial';
  if (units === 0) return 'zero';
  return received === 0 ? 'partial' : 'measured';
}

export class AccountingInputError extends Error {
  override name = 'AccountingInputError';
}

/** One account per local day from input.fromDay to input.toDay, oldest first. */
export function computeDailyAccounts(input: IntakeAccountInput, options: Partial<AccountingOptions> = {}): DailyAccount[] {
  const o = resolveAccountingOptions(options);
  const scale = unitsPerM3(o);
  const span = accountingSpan(input.fromDay, input.toDay);

  const histories = [...input.meters].sort((a, b) => (a.meter.meterId < b.meter.meterId ? -1 : a.meter.meterId > b.meter.meterId ? 1 : 0));
  const accounts = new Map<string, MeterAccount>();
  for (const h of histories) {
    if (accounts.has(h.meter.meterId)) throw new AccountingInputError(`meter ${h.meter.meterId} given twice`);
    if (!(h.meter.reportingIntervalS > 0)) throw new AccountingInputError(`meter ${h.meter.meterId}: reportingIntervalS must be > 0`);
    accounts.set(h.meter.meterId, accountMeter(h, input.replacements, o, scale, span));
  }
  const meterAccounts = [...accounts.values()];

  const replacementsByDay = new Map<number, ReplacementAnomaly[]>();
  const replacements = [...input.replacements].sort((a, b) => a.replacedAtMs - b.replacedAtMs);
  for (const r of replacements) {
    if (r.replacedAtMs < span.startMs || r.replacedAtMs >= span.endMs) continue;
    if (!accounts.has(r.oldMeterId) && !accounts.has(r.newMeterId)) continue;
    const dayIndex = Math.floor((r.replacedAtMs - span.startMs) / DAY_MS);
    replacementsByDay.set(dayIndex, [...(replacementsByDay.get(dayIndex) ?? []), replacementAnomaly(r, accounts, scale)]);
  }

  return span.days.map((day, i): DailyAccount => {
    const dayStart = span.startMs + i * DAY_MS;
    let units = 0;
    let coveredMs = 0;
    let inServiceMs = 0;
    let touched = false;
    let received = 0;
    let expected = 0;
    let peakFlowM3h: number | null = null;
    let first: AccountReading | null = null;
    let last: AccountReading | null = null;
    const perMeter: { expected: number; received: number }[] = [];
    const anomalies: Anomaly[] = [];
    const evidence: MeterDayEvidence[] = [];

    for (const m of meterAccounts) {
      const d = m.days[i];
      if (!d || (d.inServiceMs === 0 && !d.touched && d.readings.length === 0)) continue;
      const meterExpected = expectedReports(d.inServiceMs, m.reportingIntervalS);
      units += d.units;
      coveredMs += d.coveredMs;
      inServiceMs += d.inServiceMs;
      touched ||= d.touched;
      received += d.readings.length;
      expected += meterExpected;
      perMeter.push({ expected: meterExpected, received: d.readings.length });
      for (const r of d.readings) {
        if (r.flowM3h !== undefined && (peakFlowM3h === null || r.flowM3h > peakFlowM3h)) peakFlowM3h = r.flowM3h;
        if (!first || r.ts < first.ts) first = r;
        if (!last || r.ts > last.ts) last = r;
      }
      anomalies.push(...d.anomalies);
      evidence.push({
        meterId: m.meterId,
        volumeM3: toM3(d.units, scale),
        expectedReports: meterExpected,
        receivedReports: d.readings.length,
        inServiceMs: d.inServiceMs,
        coveredMs: d.coveredMs,
        firstTotalM3: d.readings[0]?.totalM3 ?? null,
        lastTotalM3: d.readings[d.readings.length - 1]?.totalM3 ?? null,
        segments: segments(d.inDay, dayStart, scale),
      });
    }
    anomalies.push(...(replacementsByDay.get(i) ?? []));
    // Stable sort: ties keep the (deterministic) order in which they were found.
    anomalies.sort((a, b) => a.fromMs - b.fromMs || a.toMs - b.toMs || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));

    const status = dayStatus(received, touched, coveredMs, inServiceMs, units);
    return {
      day,
      volumeM3: status === 'missing' ? null : toM3(units, scale),
      expectedReports: expected,
      receivedReports: received,
      completeness: completeness(perMeter),
      coverage: inServiceMs > 0 ? coveredMs / inServiceMs : 0,
      peakFlowM3h,
      firstTotalM3: first?.totalM3 ?? null,
      lastTotalM3: last?.totalM3 ?? null,
      status,
      anomalies,
      evidence,
    };
  });
}
