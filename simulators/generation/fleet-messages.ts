/**
 * The whole fleet's messages in send order (ties broken by fleet position, so the order repeats),
 * merged lazily from each meter's run: memory grows with the fleet, not with the readings.
 */
import { MAX_READINGS_PER_MESSAGE } from '../../domain/telemetry/index.ts';
import type { FleetMember } from '../fleet/fleet-member.ts';
import { type GenerationOptions, toEpochMs } from './generation-options.ts';
import { tickGrid } from '../scenarios/tick-grid.ts';
import { MinHeap } from './min-heap.ts';
import { type MeterRun, startMeterRun } from './meter-simulation.ts';
import type { SimulatedMessage } from './simulated-message.ts';

interface Head {
  message: SimulatedMessage;
  position: number;
  run: MeterRun;
}

/** Options for a fleet: as for one meter, except that scenarios come from each member. */
export type FleetGenerationOptions = Omit<GenerationOptions, 'scenarios'>;

export function* fleetMessages(fleet: readonly FleetMember[], options: FleetGenerationOptions): Generator<SimulatedMessage> {
  const heap = new MinHeap<Head>((a, b) =>
    a.message.sentAtMs === b.message.sentAtMs ? a.position < b.position : a.message.sentAtMs < b.message.sentAtMs,
  );
  fleet.forEach((member, position) => {
    const run = startMeterRun(member, options);
    const first = run.messages.next();
    if (!first.done) heap.push({ message: first.value, position, run });
  });
  for (let head = heap.pop(); head; head = heap.pop()) {
    yield head.message;
    const next = head.run.messages.next();
    if (!next.done) heap.push({ message: next.value, position: head.position, run: head.run });
  }
}

/**
 * About how many messages the fleet sends: one per reading time, and for the readings kept until
 * `catchUpAt` one per batch of 1000. Gaps, batches, duplicates and malformed messages move it a
 * little; good enough for progress.
 */
export function estimateFleetMessages(fleet: readonly FleetMember[], options: FleetGenerationOptions): number {
  const from = toEpochMs(options.from);
  const to = toEpochMs(options.to);
  const caughtUp = options.catchUpAt === undefined ? from : Math.min(Math.max(toEpochMs(options.catchUpAt), from), to);
  return fleet.reduce((sum, member) => {
    const intervalS = options.intervalS ?? member.reportingIntervalS;
    const kept = tickGrid(from, caughtUp, intervalS).count;
    return sum + Math.ceil(kept / MAX_READINGS_PER_MESSAGE) + tickGrid(caughtUp, to, intervalS).count;
  }, 0);
}
