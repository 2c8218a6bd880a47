/**
 * fault-flags: for a seeded window (1-4 h each, or `hours`) the meter raises a status flag: tamper,
 * powerOff or reverseFlow (each of `flags`, in its own window). With powerOff the pump has no power
 * and with reverseFlow the forward register does not count: the flow is 0 in those windows.
 *
 * The monitor should raise a metering fault item for each flag (tamper, power, reverse flow), with
 * the flagged readings as evidence.
 */
import { z } from 'zod';
import type { MeterStatusFlags } from '../../domain/telemetry/index.ts';
import { defineScenario, listParam } from './scenario.ts';
import type { ScenarioEvent, StatusFlag } from './scenario-event.ts';
import { tickTime, ticksFor } from './tick-grid.ts';
import type { TickWindow } from './window-picker.ts';

const FLAGS = ['tamper', 'powerOff', 'reverseFlow', 'lowBattery'] as const satisfies readonly StatusFlag[];

export const faultFlags = defineScenario({
  name: 'fault-flags',
  summary: 'Status flags raised for a window each: tamper, powerOff, reverseFlow (flow 0 with the last two).',
  monitorShould: 'Raise a metering fault item per flag (tamper, power off, reverse flow) with the flagged readings.',
  params: z.strictObject({
    flags: listParam(FLAGS)
      .default(['tamper', 'powerOff', 'reverseFlow'])
      .describe(`Flags to raise, joined by + (default tamper+powerOff+reverseFlow; also lowBattery).`),
    hours: z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .optional()
      .describe('Length of each window in hours (default: seeded 1-4 h).'),
  }),
  plan: (context, { flags, hours }) => {
    const { grid, random } = context;
    const raised: { flag: StatusFlag; window: TickWindow }[] = [];
    for (const flag of flags) {
      const window = context.windows.pick(ticksFor(grid, (hours ?? random.between(1, 4)) * 3600), random);
      if (window) raised.push({ flag, window });
    }
    const activeAt = (tick: number) => raised.filter(({ window }) => tick >= window.start && tick <= window.end);
    const events: ScenarioEvent[] = raised.map(({ flag, window }) => ({
      kind: 'fault-flags',
      flag,
      fromMs: tickTime(grid, window.start),
      toMs: tickTime(grid, window.end),
    }));
    return {
      effects: {
        statusFlags: (tick) => {
          const active = activeAt(tick);
          if (active.length === 0) return undefined;
          const flagsNow: Partial<MeterStatusFlags> = {};
          for (const { flag } of active) flagsNow[flag] = true;
          return flagsNow;
        },
        flow: (tick, flowM3h) => (activeAt(tick).some(({ flag }) => flag === 'powerOff' || flag === 'reverseFlow') ? 0 : flowM3h),
      },
      events,
    };
  },
});
