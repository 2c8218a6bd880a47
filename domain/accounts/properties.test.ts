/**
 * Property-based tests on generated meter histories (testing/scenario.ts): conservation over years
 * with rollovers, resets, rollbacks and replacements; the same day from any span; determinism; a
 * late batch changes only the days its gap spans.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, localDay, localDayStart } from '../../platform/local-time.ts';
import { computeDailyAccounts } from './daily-accounts.ts';
import { recomputeSpan } from './span.ts';
import { buildScenario, inputFor, recordSpan, type Scenario, scenarioPlan, withoutReadings } from './testing/scenario.ts';
import type { AccountReading, DailyAccount, IntakeAccountInput } from './types.ts';

const litres = (a: DailyAccount): number => Math.round((a.volumeM3 ?? 0) * 1000);
const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);

function wholeRecord(s: Scenario): DailyAccount[] {
  const { fromDay, toDay } = recordSpan(s);
  return computeDailyAccounts(inputFor(s, fromDay, toDay));
}

function daysBetween(fromDay: string, toDay: string): string[] {
  const out: string[] = [];
  for (let t = localDayStart(fromDay); t <= localDayStart(toDay); t += DAY_MS) out.push(localDay(t));
  return out;
}

describe('conservation', () => {
  it('over years of data the days sum exactly to the water that passed, rollovers and replacements included', () => {
    fc.assert(
      fc.property(scenarioPlan(365, 800), (plan) => {
        const s = buildScenario(plan);
        const list = wholeRecord(s);
        expect(list.length).toBeGreaterThanOrEqual(plan.days - 21); // a chain starts within its first 20 days
        for (const a of list) {
          expect(a.status).not.toBe('missing'); // the record has no hole a day could fall into
          expect(a.volumeM3 ?? 0).toBeGreaterThanOrEqual(0);
          expect(Math.abs((a.volumeM3 ?? 0) * 1000 - litres(a))).toBeLessThan(1e-6); // whole litres
        }
        // Exact, in litres: resets and rollbacks lose their interval (truth 0), nothing else is lost or added.
        expect(sum(list.map(litres))).toBe(sum(s.truth.map((t) => t.litres)));
        const replacements = list.flatMap((a) => a.anomalies.filter((x) => x.kind === 'meter-replacement'));
        expect(replacements).toHaveLength(s.replacements.length);
      }),
      { numRuns: 30 },
    );
  });

  it('over any span of days the sum equals the advance over that span, within the rounding at its two ends', () => {
    fc.assert(
      fc.property(scenarioPlan(20, 120), fc.nat(), fc.nat(), (plan, a, b) => {
        const s = buildScenario(plan);
        const days = daysBetween(recordSpan(s).fromDay, recordSpan(s).toDay);
        const fromDay = days[a % days.length] ?? '';
        const toDay = days[Math.max(a % days.length, b % days.length)] ?? '';
        const list = computeDailyAccounts(inputFor(s, fromDay, toDay));
        const startMs = localDayStart(fromDay);
        const endMs = localDayStart(toDay) + DAY_MS;
        let expected = 0;
        let cuts = 0;
        for (const t of s.truth) {
          const overlap = Math.min(t.toMs, endMs) - Math.max(t.fromMs, startMs);
          if (overlap <= 0) continue;
          expected += (t.litres * overlap) / (t.toMs - t.fromMs);
          cuts += (t.fromMs < startMs ? 1 : 0) + (t.toMs > endMs ? 1 : 0);
        }
        // Each interval cut by the span's ends is rounded to a whole litre once per cut.
        expect(Math.abs(sum(list.map(litres)) - expected)).toBeLessThanOrEqual(0.5 * cuts + 1e-6);
      }),
      { numRuns: 60 },
    );
  });
});

describe('the same account from any span', () => {
  it('gives each day the same account computed alone as within the whole record', () => {
    fc.assert(
      fc.property(scenarioPlan(5, 30), (plan) => {
        const s = buildScenario(plan);
        const whole = wholeRecord(s);
        for (const account of whole) {
          expect(computeDailyAccounts(inputFor(s, account.day, account.day))).toEqual([account]);
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('determinism', () => {
  it('gives identical output for the same data, in any order, duplicated, or as an unwindowed superset', () => {
    fc.assert(
      fc.property(scenarioPlan(5, 60), fc.integer(), (plan, shuffleSeed) => {
        const s = buildScenario(plan);
        const { fromDay, toDay } = recordSpan(s);
        const input = inputFor(s, fromDay, toDay);
        const first = computeDailyAccounts(input);
        expect(computeDailyAccounts(input)).toEqual(first);

        let seed = shuffleSeed >>> 0;
        const next = (): number => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0);
        const shuffled = (xs: readonly AccountReading[]): AccountReading[] => {
          const out = [...xs, ...xs.filter(() => next() % 7 === 0)];
          for (let i = out.length - 1; i > 0; i--) {
            const j = next() % (i + 1);
            [out[i], out[j]] = [out[j] as AccountReading, out[i] as AccountReading];
          }
          return out;
        };
        const reordered: IntakeAccountInput = {
          ...input,
          meters: [...input.meters].reverse().map((m) => ({ ...m, readings: shuffled(m.readings) })),
          replacements: [...input.replacements].reverse(),
        };
        expect(computeDailyAccounts(reordered)).toEqual(first);

        const superset: IntakeAccountInput = {
          ...input,
          meters: input.meters.map((m) => ({ ...m, readings: s.readings.get(m.meter.meterId) ?? [], before: null, after: null })),
        };
        expect(computeDailyAccounts(superset)).toEqual(first);
      }),
      { numRuns: 40 },
    );
  });
});

describe('late store-and-forward batch', () => {
  it('changes exactly the days its gap spans, all of which recomputeSpan names', () => {
    fc.assert(
      fc.property(scenarioPlan(10, 90), fc.nat(), fc.nat(), fc.nat(), (plan, meterPick, at, length) => {
        const s = buildScenario(plan);
        const meterIds = [...s.readings.keys()];
        const meterId = meterIds[meterPick % meterIds.length] ?? '';
        const distinct = [...new Set((s.readings.get(meterId) ?? []).map((r) => r.ts))];
        fc.pre(distinct.length >= 3);
        // The batch: readings i..j, with at least one reading of the meter on either side.
        const i = 1 + (at % (distinct.length - 2));
        const j = Math.min(distinct.length - 2, i + (length % 200));
        const batch = new Set(distinct.slice(i, j + 1));
        const prevMs = distinct[i - 1] ?? 0;
        const nextMs = distinct[j + 1] ?? 0;

        const { fromDay, toDay } = recordSpan(s);
        const withBatch = computeDailyAccounts(inputFor(s, fromDay, toDay));
        const without = computeDailyAccounts(
          inputFor(
            withoutReadings(s, meterId, (r) => batch.has(r.ts)),
            fromDay,
            toDay,
          ),
        );
        const changed = withBatch.filter((a, k) => JSON.stringify(a) !== JSON.stringify(without[k])).map((a) => a.day);

        // Without stuck registers the gap between the batch's neighbours bounds the change; a stuck
        // run through a neighbour can change length, hence the margin of stuckRegisterMinMs.
        const margin = plan.stuckRate > 0 && plan.withFlow ? 3_600_000 : 0;
        const gapDays = new Set(daysBetween(localDay(prevMs - margin), localDay(nextMs + margin)));
        for (const day of changed) expect(gapDays).toContain(day);
        const batchDays = new Set([...batch].map((ts) => localDay(ts)));
        for (const day of batchDays) expect(changed).toContain(day);

        // What the worker would recompute for each day the batch touched covers every change.
        const named = new Set<string>();
        for (const day of batchDays) {
          const dayStart = localDayStart(day);
          const neighbours = [...s.readings.values()].map((list) => ({
            beforeMs: list.filter((r) => r.ts < dayStart).at(-1)?.ts ?? null,
            afterMs: list.find((r) => r.ts >= dayStart + DAY_MS)?.ts ?? null,
          }));
          const span = recomputeSpan(day, neighbours);
          for (const d of daysBetween(span.fromDay, span.toDay)) named.add(d);
        }
        for (const day of changed) expect(named).toContain(day);
      }),
      { numRuns: 60 },
    );
  });
});
