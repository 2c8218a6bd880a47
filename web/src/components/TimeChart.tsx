/**
 * A time chart drawn by uPlot (small, fast, canvas): one or more series over time, optionally as
 * bars, and a permit limit as a dashed horizontal line, so that a value above its limit shows at a
 * glance. Redrawn at the container's width.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { LOCAL_TIME_ZONE } from '../../../platform/local-time.ts';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
  bars?: boolean;
  dashed?: boolean;
}

export interface TimeChartProps {
  /** Unix seconds, ascending. */
  times: number[];
  series: ChartSeries[];
  unit: string;
  height?: number;
  /** Daily figures: times are the days' noons, ticks whole days, labelled by date. */
  days?: boolean;
  testId?: string;
}

const bars = uPlot.paths.bars?.({ size: [0.6, 40] });
const HALF_DAY_S = 43_200;
/** Tick steps of a daily chart: whole days only. */
const DAY_INCREMENTS = [1, 2, 7, 14, 30].map((d) => d * 86_400);

export function TimeChart({ times, series, unit, height = 220, days = false, testId }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const options: uPlot.Options = {
      width: Math.max(el.clientWidth, 280),
      height,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), LOCAL_TIME_ZONE),
      scales: {
        // Days: half a day of room on each side, so the first and last bars show whole.
        x: {
          time: true,
          ...(days ? { range: (_u: uPlot, min: number, max: number): uPlot.Range.MinMax => [min - HALF_DAY_S, max + HALF_DAY_S] } : {}),
        },
        y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        days ? { values: '{M}-{D}', incrs: DAY_INCREMENTS } : {},
        { label: unit, size: 60, values: (_u, ticks) => ticks.map((v) => v.toLocaleString()) },
      ],
      series: [
        {},
        ...series.map((s): uPlot.Series => ({
          label: s.label,
          stroke: s.color,
          width: s.dashed ? 1.5 : 2,
          ...(s.dashed ? { dash: [6, 4] } : {}),
          ...(s.bars && bars ? { paths: bars, fill: `${s.color}99` } : {}),
          points: { show: false },
          spanGaps: false,
        })),
      ],
      legend: { live: false },
    };
    const plot = new uPlot(options, [times, ...series.map((s) => s.values)], el);
    const resize = new ResizeObserver(() => {
      plot.setSize({ width: Math.max(el.clientWidth, 280), height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [times, series, unit, height, days]);
  return <div class="chart" ref={box} data-testid={testId} />;
}
