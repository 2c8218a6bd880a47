/**
 * From one meter's readings to the intervals of its totalizer curve, each with the volume it
 * accounts. A registered replacement ends the old meter's curve at its registered final total and
 * starts the new one's at its registered initial total, so the volume across it is
 * (oldFinal − lastOldReading) + (firstNewReading − newInitial) with no cross-meter arithmetic.
 */
import type { AccountingOptions } from './options.ts';
import { toUnits } from './split.ts';
import type { AccountReading, IntervalKind, MeterAttributes, MeterHistory, MeterReplacement, PointOrigin } from './types.ts';

/** When a meter counts: [fromMs, untilMs), either end open (null). */
export interface ServiceWindow {
  fromMs: number | null;
  untilMs: number | null;
  /** The replacement that put this meter in service, and the one that took it out. */
  installedBy: MeterReplacement | null;
  removedBy: MeterReplacement | null;
}

export function serviceWindow(meter: MeterAttributes, replacements: readonly MeterReplacement[]): ServiceWindow {
  let installedBy: MeterReplacement | null = null;
  let removedBy: MeterReplacement | null = null;
  // Should the registry hold several, the latest installation and the earliest removal bound the service.
  for (const r of replacements) {
    if (r.newMeterId === meter.meterId && (!installedBy || r.replacedAtMs > installedBy.replacedAtMs)) installedBy = r;
    if (r.oldMeterId === meter.meterId && (!removedBy || r.replacedAtMs < removedBy.replacedAtMs)) removedBy = r;
  }
  return {
    fromMs: installedBy?.replacedAtMs ?? meter.inServiceFromMs ?? null,
    untilMs: removedBy?.replacedAtMs ?? null,
    installedBy,
    removedBy,
  };
}

export function inService(w: ServiceWindow, ts: number): boolean {
  return (w.fromMs === null || ts >= w.fromMs) && (w.untilMs === null || ts < w.untilMs);
}

/** Milliseconds of [aMs, bMs) in the service window. */
export function serviceOverlapMs(w: ServiceWindow, aMs: number, bMs: number): number {
  const lo = w.fromMs === null ? aMs : Math.max(aMs, w.fromMs);
  const hi = w.untilMs === null ? bMs : Math.min(bMs, w.untilMs);
  return Math.max(0, hi - lo);
}

function flagBits(r: AccountReading): number {
  const s = r.status;
  if (!s) return 0;
  return (s.powerOff ? 1 : 0) | (s.tamper ? 2 : 0) | (s.lowBattery ? 4 : 0) | (s.reverseFlow ? 8 : 0);
}

/**
 * Which of two readings with the same ts to keep. InfluxDB keeps one point per ts anyway; this
 * makes the choice independent of input order should two differ (the larger total, then flow...).
 */
function preferred(a: AccountReading, b: AccountReading): AccountReading {
  const keys = (r: AccountReading): number[] => [r.totalM3, r.flowM3h ?? -1, r.receivedMs ?? -1, flagBits(r)];
  const ka = keys(a);
  const kb = keys(b);
  for (let i = 0; i < ka.length; i++) {
    const x = ka[i] ?? 0;
    const y = kb[i] ?? 0;
    if (x !== y) return x > y ? a : b;
  }
  return a;
}

function assertValidReading(meterId: string, r: AccountReading): void {
  if (!Number.isFinite(r.ts) || !Number.isFinite(r.totalM3) || r.totalM3 < 0) {
    throw new RangeError(`meter ${meterId}: invalid reading ts=${r.ts} totalM3=${r.totalM3}`);
  }
}

/** The meter's given readings, time-ordered, one per timestamp. */
export function distinctReadings(history: MeterHistory): AccountReading[] {
  const byTs = new Map<number, AccountReading>();
  const all = [...(history.before ? [history.before] : []), ...history.readings, ...(history.after ? [history.after] : [])];
  for (const r of all) {
    assertValidReading(history.meter.meterId, r);
    const seen = byTs.get(r.ts);
    byTs.set(r.ts, seen ? preferred(seen, r) : r);
  }
  return [...byTs.values()].sort((a, b) => a.ts - b.ts);
}

/** A point of the totalizer curve. */
export interface MeterPoint {
  ts: number;
  totalM3: number;
  units: number;
  origin: PointOrigin;
  reading: AccountReading | null;
}

/**
 * The curve's points: the in-service readings, framed by the registered totals of the replacements
 * that installed and removed the meter. A registered total is left out when a given reading lies
 * between it and the fetched readings (readings in between were not fetched: the interval would be
 * made up; it lies outside the span anyway). At the replacement instant the registered total wins.
 */
export function meterPoints(
  history: MeterHistory,
  readings: readonly AccountReading[],
  window: ServiceWindow,
  unitsPerM3: number,
): MeterPoint[] {
  const served = readings.filter((r) => inService(window, r.ts));
  const points: MeterPoint[] = [];
  const { installedBy, removedBy } = window;
  const before = history.before && inService(window, history.before.ts) ? history.before : null;
  const after = history.after && inService(window, history.after.ts) ? history.after : null;
  const nonEmpty = window.fromMs === null || window.untilMs === null || window.fromMs < window.untilMs;
  if (!nonEmpty) return points;
  if (installedBy && !(before && before.ts > installedBy.replacedAtMs)) {
    const total = installedBy.newInitialTotalM3;
    points.push({
      ts: installedBy.replacedAtMs,
      totalM3: total,
      units: toUnits(total, unitsPerM3),
      origin: 'registered-initial',
      reading: null,
    });
  }
  for (const r of served) {
    if (installedBy && r.ts === installedBy.replacedAtMs && points[0]?.origin === 'registered-initial') continue;
    points.push({ ts: r.ts, totalM3: r.totalM3, units: toUnits(r.totalM3, unitsPerM3), origin: 'reading', reading: r });
  }
  if (removedBy && !after) {
    const total = removedBy.oldFinalTotalM3;
    points.push({
      ts: removedBy.replacedAtMs,
      totalM3: total,
      units: toUnits(total, unitsPerM3),
      origin: 'registered-final',
      reading: null,
    });
  }
  return points;
}

export interface MeterInterval {
  from: MeterPoint;
  to: MeterPoint;
  kind: IntervalKind;
  /** The volume it accounts, >= 0. */
  units: number;
}

/**
 * The volume of a step of the curve. A drop is a rollover when the wrapped volume
 * (max − from) + to is small: within rolloverWindowFraction of the register, or within
 * rolloverFlowFactor × maxPlausibleFlow × duration if that is larger. Requiring the *wrapped* volume
 * to be small checks both that the old total was near the maximum and that the new one is near zero.
 * Any other drop is a rollback: it counts 0 (not negative water) and the next step starts from the
 * new total.
 */
export function classifyStep(
  from: MeterPoint,
  to: MeterPoint,
  meter: MeterAttributes,
  o: AccountingOptions,
  unitsPerM3: number,
): { kind: IntervalKind; units: number } {
  const advance = to.units - from.units;
  if (advance >= 0) return { kind: 'advance', units: advance };
  if (meter.registerMaxM3 !== null && meter.registerMaxM3 > 0) {
    const maxUnits = toUnits(meter.registerMaxM3, unitsPerM3);
    const wrapped = maxUnits - from.units + to.units;
    const hours = (to.ts - from.ts) / 3_600_000;
    const byFlow = (meter.maxPlausibleFlowM3h ?? 0) * o.rolloverFlowFactor * hours * unitsPerM3;
    const window = Math.max(o.rolloverWindowFraction * maxUnits, byFlow);
    if (from.units <= maxUnits && wrapped >= 0 && wrapped <= window) return { kind: 'rollover', units: wrapped };
  }
  return { kind: 'rollback', units: 0 };
}

export function meterIntervals(
  points: readonly MeterPoint[],
  meter: MeterAttributes,
  o: AccountingOptions,
  unitsPerM3: number,
): MeterInterval[] {
  const intervals: MeterInterval[] = [];
  for (let i = 1; i < points.length; i++) {
    const from = points[i - 1];
    const to = points[i];
    if (!from || !to || to.ts <= from.ts) continue;
    intervals.push({ from, to, ...classifyStep(from, to, meter, o, unitsPerM3) });
  }
  return intervals;
}
