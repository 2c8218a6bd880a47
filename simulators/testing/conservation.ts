/**
 * For tests: the volume a monitor would account from a meter's delivered readings (totalizer
 * differences, plus the register maximum at each rollover and the jump at each rollback), to be
 * compared with the water the simulator generated.
 */
import type { Reading } from '../../domain/telemetry/index.ts';
import type { MeterSimulation } from '../generation/meter-simulation.ts';

/** Every distinct reading delivered (duplicates once), in the order the meter took them (seq). */
export function deliveredReadings(simulation: MeterSimulation): Reading[] {
  const bySeq = new Map<number, Reading>();
  for (const message of simulation.messages) for (const r of message.readings) bySeq.set(r.seq ?? -1, r);
  return [...bySeq.values()].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
}

export function accountedVolumeM3(simulation: MeterSimulation): number {
  const readings = deliveredReadings(simulation);
  let volume = 0;
  for (let i = 1; i < readings.length; i++) volume += (readings[i]?.totalM3 ?? 0) - (readings[i - 1]?.totalM3 ?? 0);
  for (const event of simulation.events) {
    if (event.kind === 'rollover') volume += event.registerMaxM3;
    if (event.kind === 'rollback') volume += event.jumpM3;
  }
  return volume;
}
