/**
 * unregistered: the meter publishes under an id that the registry does not know (its own id with
 * "-UNREG", or `id`), as an intake that should have registered but did not.
 *
 * The ingester should keep its readings (evidence) and the monitor should raise an
 * unregistered-intake item for the unknown meter id.
 */
import { z } from 'zod';
import { METER_ID_PATTERN } from '../../domain/registry/index.ts';
import { defineScenario } from './scenario.ts';

const SUFFIX = '-UNREG';

export const unregistered = defineScenario({
  name: 'unregistered',
  summary: 'Publishes under a meter id the registry does not know.',
  monitorShould: 'Keep the readings as evidence and raise an unregistered-intake item for that meter id.',
  params: z.strictObject({
    id: z
      .string()
      .regex(METER_ID_PATTERN, 'expected [A-Za-z0-9_-]{1,64}')
      .optional()
      .describe('The unknown id to publish as (default: the meter id + "-UNREG").'),
  }),
  plan: (context, { id }) => {
    const publishedAs = id ?? `${context.meter.meterId.slice(0, 64 - SUFFIX.length)}${SUFFIX}`;
    return { effects: { publishAs: publishedAs }, events: [{ kind: 'unregistered', publishedAs }] };
  },
});
