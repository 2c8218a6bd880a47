/**
 * Rate above the permitted maximum, sustained (item). The intake's rate at each sample time is the
 * sum of its meters' latest flows (a meter's flow is held until the next sample, at most
 * sampleGapFactor reporting intervals). A run is consecutive sample times above the maximum; it
 * counts when its first and last exceeding samples are rateSustainedMs (15 min) apart or more, so a
 * single spike is not a violation. Runs may extend into the readings fetched around the window
 * (a run across midnight is measured whole); only runs that touch the evaluated days are reported.
 */
import { localDay } from '../../../platform/local-time.ts';
import { bilingual, duration, localTime, m3 } from '../format.ts';
import { permitOnDay, permitRef } from '../permits.ts';
import { evaluatedWindow, meterSeries, type MeterSeries } from '../readings.ts';
import type { FindingDraft, IntakeRule, RuleContext } from '../rule.ts';
import type { Evidence, RulePermit } from '../types.ts';

const MAX_SAMPLES_PER_RUN = 100;

interface Run {
  permit: RulePermit;
  limitM3h: number;
  fromMs: number;
  toMs: number;
  samples: { ts: number; flowM3h: number }[];
}

/** Each sample time with the intake's total flow (sum of held meter flows). */
function intakeFlow(series: MeterSeries[], gapFactor: number): { ts: number; flowM3h: number }[] {
  const withFlow = series.map((m) => ({ ...m, samples: m.readings.filter((r) => r.flowM3h !== null) }));
  const times = [...new Set(withFlow.flatMap((m) => m.samples.map((s) => s.ts)))].sort((a, b) => a - b);
  const cursor = withFlow.map(() => -1);
  return times.map((t) => {
    let total = 0;
    withFlow.forEach((m, i) => {
      let k = cursor[i] ?? -1;
      while (k + 1 < m.samples.length && (m.samples[k + 1]?.ts ?? Infinity) <= t) k++;
      cursor[i] = k;
      const s = m.samples[k];
      if (s && t - s.ts <= gapFactor * m.reportingIntervalS * 1000) total += s.flowM3h ?? 0;
    });
    return { ts: t, flowM3h: Math.round(total * 1000) / 1000 };
  });
}

function runsAboveLimit(ctx: RuleContext, series: MeterSeries[]): Run[] {
  const gapFactor = ctx.options.sampleGapFactor;
  const intervals = series.filter((m) => m.readings.some((r) => r.flowM3h !== null)).map((m) => m.reportingIntervalS);
  const maxGapMs = gapFactor * Math.min(...intervals, 86_400) * 1000;
  const runs: Run[] = [];
  let current: Run | null = null;
  let prevTs: number | null = null;
  for (const sample of intakeFlow(series, gapFactor)) {
    const permit = permitOnDay(ctx.input.permits, localDay(sample.ts));
    const limit = permit?.maxRateM3h ?? null;
    const exceeding = permit !== null && limit !== null && sample.flowM3h > limit;
    const broken = prevTs !== null && sample.ts - prevTs > maxGapMs;
    if (current && (!exceeding || broken || current.permit !== permit)) {
      runs.push(current);
      current = null;
    }
    if (exceeding) {
      current ??= { permit, limitM3h: limit, fromMs: sample.ts, toMs: sample.ts, samples: [] };
      current.toMs = sample.ts;
      current.samples.push(sample);
    }
    prevTs = sample.ts;
  }
  if (current) runs.push(current);
  return runs;
}

function runEvidence(run: Run): Evidence {
  return {
    fromMs: run.fromMs,
    toMs: run.toMs,
    from: localTime(run.fromMs),
    to: localTime(run.toMs),
    durationMs: run.toMs - run.fromMs,
    limitM3h: run.limitM3h,
    peakFlowM3h: Math.max(...run.samples.map((s) => s.flowM3h)),
    samples: run.samples.slice(0, MAX_SAMPLES_PER_RUN),
    samplesOmitted: Math.max(0, run.samples.length - MAX_SAMPLES_PER_RUN),
  };
}

export const rateExcess: IntakeRule = {
  id: 'rate-excess',
  evaluate(ctx) {
    const window = evaluatedWindow(ctx);
    const series = meterSeries(ctx);
    if (!window || !series) return null;
    const checked = new Set(
      ctx.accounts.flatMap((a) => {
        const p = permitOnDay(ctx.input.permits, a.day);
        return p?.maxRateM3h != null ? [p.permitNumber] : [];
      }),
    );
    const sustained = runsAboveLimit(ctx, series).filter(
      (r) => r.toMs - r.fromMs >= ctx.options.rateSustainedMs && r.toMs >= window.fromMs && r.fromMs < window.toMs,
    );
    const byPermit = new Map<string, Run[]>();
    for (const run of sustained) byPermit.set(run.permit.permitNumber, [...(byPermit.get(run.permit.permitNumber) ?? []), run]);
    const findings: FindingDraft[] = [];
    for (const [number, runs] of byPermit) {
      const first = runs[0];
      const last = runs.at(-1);
      if (!first || !last) continue;
      checked.add(number);
      const longest = runs.reduce((l, r) => (r.toMs - r.fromMs > l.toMs - l.fromMs ? r : l), first);
      const peak = Math.max(...longest.samples.map((s) => s.flowM3h));
      findings.push({
        subject: number,
        windowStartMs: first.fromMs,
        windowEndMs: last.toMs,
        summary: bilingual(
          `许可证 ${number} 最大取水流量 ${m3(longest.limitM3h)} m³/h，${localTime(longest.fromMs)} 起持续 ${duration(longest.toMs - longest.fromMs)} 超限，最高 ${m3(peak)} m³/h（共 ${runs.length} 次）`,
          `Permit ${number} allows ${m3(longest.limitM3h)} m³/h; flow stayed above it for ${duration(longest.toMs - longest.fromMs)} from ${localTime(longest.fromMs)}, peak ${m3(peak)} m³/h (${runs.length} run(s))`,
        ),
        evidence: {
          permit: { ...permitRef(first.permit), maxRateM3h: first.limitM3h },
          sustainedMs: ctx.options.rateSustainedMs,
          meters: series.map((m) => m.meterId),
          runs: runs.map(runEvidence),
        },
      });
    }
    return { findings, checked: [...checked].sort() };
  },
};
