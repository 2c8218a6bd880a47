/**
 * Generated meter histories for the property tests, with the truth they were made from: every
 * interval's real withdrawal (0 where a reset or rollback lost it). fast-check draws a plan (seed,
 * length, register size, event rates); a seeded generator turns it into readings, which keeps
 * generating years of data cheap.
 */
import fc from 'fast-check';
import { localDay, localDayStart } from '../../../platform/local-time.ts';
import { readingWindow } from '../span.ts';
import type { AccountingOptions } from '../options.ts';
import type { AccountReading, IntakeAccountInput, MeterAttributes, MeterHistory, MeterReplacement } from '../types.ts';

export interface TrueInterval {
  meterId: string;
  fromMs: number;
  toMs: number;
  /** What the accounts must show for the interval, in litres. */
  litres: number;
}

export interface Scenario {
  meters: MeterAttributes[];
  /** Per meter, time-ordered; may hold duplicates (same ts, same reading). */
  readings: Map<string, AccountReading[]>;
  replacements: MeterReplacement[];
  truth: TrueInterval[];
  firstMs: number;
  lastMs: number;
}

export interface ScenarioPlan {
  seed: number;
  chains: number;
  days: number;
  registerMaxM3: number | null;
  /** Probabilities per reading. */
  resetRate: number;
  rollbackRate: number;
  replaceRate: number;
  duplicateRate: number;
  idleRate: number;
  /** Probability per reading that the register sticks for the next 2-12 readings while flow is reported. */
  stuckRate: number;
  /** Report instantaneous flow (otherwise no stuck-register or flow check can fire). */
  withFlow: boolean;
}

export const MAX_FLOW_M3H = 50;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const START_MS = localDayStart('2025-01-01');

/** mulberry32: small, fast, and the same sequence everywhere for a seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function scenarioPlan(minDays: number, maxDays: number): fc.Arbitrary<ScenarioPlan> {
  return fc.record({
    seed: fc.integer(),
    chains: fc.integer({ min: 1, max: 2 }),
    days: fc.integer({ min: minDays, max: maxDays }),
    registerMaxM3: fc.constantFrom(10_000, 100_000, null),
    resetRate: fc.constantFrom(0, 0.002, 0.01),
    rollbackRate: fc.constantFrom(0, 0.002, 0.01),
    replaceRate: fc.constantFrom(0, 0.001, 0.005),
    duplicateRate: fc.constantFrom(0, 0.05),
    idleRate: fc.constantFrom(0.1, 0.4, 0.9),
    stuckRate: fc.constantFrom(0, 0, 0.01),
    withFlow: fc.boolean(),
  });
}

/** The rollover window of intervals.ts for a drop over `gapMs`, in litres; used to keep resets unambiguous. */
function rolloverWindowLitres(registerMaxM3: number, gapMs: number): number {
  return Math.max(0.01 * registerMaxM3, 2 * MAX_FLOW_M3H * (gapMs / HOUR)) * 1000;
}

export function buildScenario(plan: ScenarioPlan): Scenario {
  const random = prng(plan.seed);
  const endMs = START_MS + plan.days * 86_400_000;
  const maxL = plan.registerMaxM3 === null ? null : plan.registerMaxM3 * 1000;
  const wrap = (litres: number): number => (maxL === null ? litres : litres % maxL);
  const meters: MeterAttributes[] = [];
  const readings = new Map<string, AccountReading[]>();
  const replacements: MeterReplacement[] = [];
  const truth: TrueInterval[] = [];
  let firstMs = Infinity;
  let lastMs = -Infinity;

  for (let c = 0; c < plan.chains; c++) {
    let generation = 0;
    const newMeter = (): string => {
      const meterId = `${String.fromCharCode(97 + c)}${generation++}`;
      meters.push({ meterId, reportingIntervalS: 900, registerMaxM3: plan.registerMaxM3, maxPlausibleFlowM3h: MAX_FLOW_M3H });
      readings.set(meterId, []);
      return meterId;
    };
    let meterId = newMeter();
    // Start on a quarter hour, so 15-minute readings land exactly on midnights too.
    let ts = START_MS + Math.floor(random() * 96 * 20) * 15 * MINUTE;
    let displayed = Math.floor(random() * (maxL ?? 1e8)); // litres on the register
    const push = (r: AccountReading): void => {
      const list = readings.get(meterId) ?? [];
      list.push(r);
      if (random() < plan.duplicateRate) list.push({ ...r });
      readings.set(meterId, list);
      firstMs = Math.min(firstMs, r.ts);
      lastMs = Math.max(lastMs, r.ts);
    };
    const reading = (flowM3h: number): AccountReading => ({
      ts,
      totalM3: displayed / 1000,
      ...(plan.withFlow ? { flowM3h } : {}),
      receivedMs: ts + Math.floor(random() * MINUTE),
    });
    push(reading(0));
    let stuckLeft = 0;

    while (ts < endMs) {
      if (stuckLeft === 0 && random() < plan.stuckRate) stuckLeft = 2 + Math.floor(random() * 11);
      if (stuckLeft > 0) {
        // Water flows, the register does not count it: lost to the accounts (truth 0), flow still reported.
        stuckLeft--;
        // Sparse as well as regular readings, so runs cross the span's edge with readings far apart.
        const gapMs = random() < 0.7 ? 15 * MINUTE : 20 * MINUTE + Math.floor(random() * 100 * MINUTE);
        truth.push({ meterId, fromMs: ts, toMs: ts + gapMs, litres: 0 });
        ts += gapMs;
        push(reading(1 + Math.round(random() * 20)));
        continue;
      }
      const g = random();
      const gapMs =
        g < 0.6 ? 15 * MINUTE : g < 0.9 ? HOUR + Math.floor(random() * 5 * HOUR) : 86_400_000 + Math.floor(random() * 2 * 86_400_000);
      const rateM3h = random() < plan.idleRate ? 0 : random() * MAX_FLOW_M3H;
      const advance = Math.round(rateM3h * (gapMs / HOUR) * 1000);
      const flow = advance > 0 ? Math.round(rateM3h * 1000) / 1000 : 0;
      const event = random();
      const fromMs = ts;
      const nextMs = ts + gapMs;
      const dropIsUnambiguous = maxL === null || maxL - displayed > 2 * rolloverWindowLitres(plan.registerMaxM3 ?? 0, gapMs) + 1000;

      if (event < plan.replaceRate) {
        const replacedAtMs = fromMs + 1 + Math.floor(random() * (gapMs - 2));
        const oldPart = Math.round(advance * ((replacedAtMs - fromMs) / gapMs));
        const oldFinal = wrap(displayed + oldPart);
        const oldMeterId = meterId;
        truth.push({ meterId: oldMeterId, fromMs, toMs: replacedAtMs, litres: oldPart });
        meterId = newMeter();
        const newInitial = Math.floor(random() * 500) * 1000;
        replacements.push({
          oldMeterId,
          newMeterId: meterId,
          replacedAtMs,
          oldFinalTotalM3: oldFinal / 1000,
          newInitialTotalM3: newInitial / 1000,
        });
        truth.push({ meterId, fromMs: replacedAtMs, toMs: nextMs, litres: advance - oldPart });
        displayed = wrap(newInitial + advance - oldPart);
      } else if (event < plan.replaceRate + plan.resetRate && displayed > 0 && dropIsUnambiguous) {
        truth.push({ meterId, fromMs, toMs: nextMs, litres: 0 }); // the register restarted at 0: this interval's water is lost
        displayed = 0;
      } else if (event < plan.replaceRate + plan.resetRate + plan.rollbackRate && displayed > 1000 && dropIsUnambiguous) {
        truth.push({ meterId, fromMs, toMs: nextMs, litres: 0 });
        displayed -= 1 + Math.floor(random() * Math.min(displayed - 1, 1_000_000));
      } else {
        truth.push({ meterId, fromMs, toMs: nextMs, litres: advance });
        displayed = wrap(displayed + advance);
      }
      ts = nextMs;
      push(reading(flow));
    }
  }
  return { meters, readings, replacements, truth, firstMs, lastMs };
}

/** What a caller following readingWindow() would fetch for fromDay..toDay. */
export function inputFor(s: Scenario, fromDay: string, toDay: string, options: Partial<AccountingOptions> = {}): IntakeAccountInput {
  const w = readingWindow(fromDay, toDay, options);
  const meters: MeterHistory[] = s.meters.map((meter) => {
    const all = s.readings.get(meter.meterId) ?? [];
    const beforeAll = all.filter((r) => r.ts < w.fetchFromMs);
    return {
      meter,
      readings: all.filter((r) => r.ts >= w.fetchFromMs && r.ts < w.fetchToMs),
      before: beforeAll[beforeAll.length - 1] ?? null,
      after: all.find((r) => r.ts >= w.fetchToMs) ?? null,
    };
  });
  return { fromDay, toDay, meters, replacements: s.replacements };
}

/** The local days from the first reading to the last. */
export function recordSpan(s: Scenario): { fromDay: string; toDay: string } {
  return { fromDay: localDay(s.firstMs), toDay: localDay(s.lastMs) };
}

/** The scenario without some readings of one meter (the late batch not yet arrived). */
export function withoutReadings(s: Scenario, meterId: string, drop: (r: AccountReading) => boolean): Scenario {
  const readings = new Map(s.readings);
  readings.set(
    meterId,
    (s.readings.get(meterId) ?? []).filter((r) => !drop(r)),
  );
  return { ...s, readings };
}
