/**
 * What a scenario did to one meter, with times and register values: the ground truth that the
 * monitor's findings can be checked against. Times are epoch milliseconds of reading times (before
 * any clock skew). Duplicated and malformed messages are marked on the messages themselves.
 */
import type { MeterStatusFlags } from '../../domain/telemetry/index.ts';

export type StatusFlag = keyof MeterStatusFlags;

export type ScenarioEvent =
  | { kind: 'over-permit'; factor: number; targetAnnualM3: number; permittedAnnualM3: number }
  | { kind: 'offline-gap'; fromMs: number; toMs: number; missedReadings: number; batches: number }
  /** beforeM3 / afterM3: the readings either side of the wrap (at atMs). */
  | { kind: 'rollover'; atMs: number; beforeM3: number; afterM3: number; registerMaxM3: number }
  /** beforeM3 / afterM3: the readings either side of the jump; the interval's volume is afterM3 - beforeM3 + jumpM3. */
  | { kind: 'rollback'; atMs: number; beforeM3: number; afterM3: number; jumpM3: number }
  /** The totalizer shows frozenAtM3 from fromMs to toMs while flow is reported; lostVolumeM3 is never registered. */
  | { kind: 'stuck-register'; fromMs: number; toMs: number; frozenAtM3: number; lostVolumeM3: number }
  | {
      kind: 'rate-spike';
      variant: 'short' | 'sustained';
      fromMs: number;
      toMs: number;
      flowM3h: number;
      maxRateM3h: number;
    }
  | { kind: 'clock-skew'; offsetMs: number }
  | { kind: 'unregistered'; publishedAs: string }
  | { kind: 'fault-flags'; flag: StatusFlag; fromMs: number; toMs: number };

export type ScenarioEventKind = ScenarioEvent['kind'];
