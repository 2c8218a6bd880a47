/**
 * The meter's totalizer: counts each interval's litres, wraps at the register maximum, may freeze
 * (stuck-register) or jump back (rollback), and shows whole litres (0.001 m3), truncated as a
 * mechanical or electronic register does. Records each wrap, jump and frozen span as it happens,
 * and tallies the water so that tests can check conservation.
 */
import type { ScenarioEvent } from '../scenarios/scenario-event.ts';
import { type TickGrid, tickTime } from '../scenarios/tick-grid.ts';

/** Where the water went (m3), for conservation checks: generated = registered + lost. */
export interface VolumeTally {
  /** Water that flowed in the intervals after the first reading. */
  generatedM3: number;
  /** Water that passed while the register was frozen, never registered. */
  lostToStuckRegisterM3: number;
  /** Total of the register's jumps back (rollback). */
  jumpedBackM3: number;
  /** How often the register wrapped past its maximum. */
  rollovers: number;
}

export interface Register {
  /** The reading at `tick` (m3) after the interval ending there. Ticks come in order from 0. */
  read(tick: number, litres: number, frozen: boolean, jumpBackShare: number): number;
  /** Closes a frozen span still open at the end of the run. */
  finish(): void;
  readonly tally: VolumeTally;
}

export function createRegister(grid: TickGrid, startLitres: number, maxLitres: number, record: (event: ScenarioEvent) => void): Register {
  let litres = startLitres;
  let shown = 0;
  let frozenSince: number | undefined; // tick of the last reading before the freeze
  let frozenLost = 0;
  const tally: VolumeTally = { generatedM3: 0, lostToStuckRegisterM3: 0, jumpedBackM3: 0, rollovers: 0 };
  // Truncate to whole litres; the small epsilon absorbs floating-point sums like 2999.9999999.
  const display = () => Math.floor(litres + 1e-6) / 1000;
  const closeFreeze = (lastTick: number) => {
    if (frozenSince === undefined) return;
    record({
      kind: 'stuck-register',
      fromMs: tickTime(grid, frozenSince),
      toMs: tickTime(grid, lastTick),
      frozenAtM3: shown,
      lostVolumeM3: frozenLost / 1000,
    });
    frozenSince = undefined;
    frozenLost = 0;
  };
  return {
    tally,
    read(tick, intervalLitres, frozen, jumpBackShare) {
      if (tick === 0) {
        litres = ((litres % maxLitres) + maxLitres) % maxLitres;
        shown = display();
        return shown;
      }
      const before = shown;
      tally.generatedM3 += intervalLitres / 1000;
      if (frozen) {
        frozenSince ??= tick - 1;
        frozenLost += intervalLitres;
        tally.lostToStuckRegisterM3 += intervalLitres / 1000;
      } else {
        closeFreeze(tick - 1);
        litres += intervalLitres;
      }
      let wrapped = false;
      while (litres >= maxLitres) {
        litres -= maxLitres;
        tally.rollovers++;
        wrapped = true;
      }
      const jump = Math.floor(litres * jumpBackShare);
      if (jump > 0) litres -= jump;
      shown = display();
      if (wrapped)
        record({ kind: 'rollover', atMs: tickTime(grid, tick), beforeM3: before, afterM3: shown, registerMaxM3: maxLitres / 1000 });
      if (jump > 0) {
        tally.jumpedBackM3 += jump / 1000;
        record({ kind: 'rollback', atMs: tickTime(grid, tick), beforeM3: before, afterM3: shown, jumpM3: jump / 1000 });
      }
      return shown;
    },
    finish: () => {
      closeFreeze(grid.count - 1);
    },
  };
}
