/**
 * normal: the meter's usage pattern alone (the baseline every other scenario disturbs). Its annual
 * volume is 60-85 % of the permit (seeded per meter), flows stay below the maximum rate, readings
 * arrive on time every interval.
 *
 * The monitor should flag nothing: no item, no notice beyond an 80 % early warning late in a year.
 */
import { z } from 'zod';
import { defineScenario, noPlan } from './scenario.ts';

export const normal = defineScenario({
  name: 'normal',
  summary: 'Usage pattern only: 60-85 % of the permitted annual volume, on time, below the maximum rate.',
  monitorShould: 'Flag nothing (at most an early-warning notice at 80 % of the annual volume).',
  params: z.strictObject({}),
  plan: noPlan,
});
