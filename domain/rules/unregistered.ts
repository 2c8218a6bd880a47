/**
 * Unregistered meter (item): readings from a meter id the registry does not know, "should have
 * registered but did not". The item goes to the county when the caller knows it (an SL651 station
 * address begins with the 6-digit county code), otherwise to the province.
 */
import { RULES } from './catalogue.ts';
import { bilingual, localTime } from './format.ts';
import { DEFAULT_RULE_OPTIONS, type RuleOptions } from './options.ts';
import type { Finding, UnregisteredMeterInput } from './types.ts';

/** The finding, or null when the rule is disabled. */
export function evaluateUnregisteredMeter(input: UnregisteredMeterInput, options: RuleOptions = DEFAULT_RULE_OPTIONS): Finding | null {
  if (options.disabledRules.includes('unregistered-meter')) return null;
  const countyCode = input.countyCode ?? options.provinceCode;
  const where =
    input.countyCode === null
      ? { zh: '县级未知，交省级', en: 'county unknown, referred to the province' }
      : { zh: `县级 ${input.countyCode}`, en: `county ${input.countyCode}` };
  return {
    rule: 'unregistered-meter',
    kind: RULES['unregistered-meter'].kind,
    intakeId: null,
    countyCode,
    subject: input.meterId,
    windowStartMs: input.firstSeenMs,
    windowEndMs: input.lastSeenMs,
    summary: bilingual(
      `未登记的计量设施 ${input.meterId} 在 ${localTime(input.firstSeenMs)} 至 ${localTime(input.lastSeenMs)} 上报 ${input.readings} 条读数（${where.zh}），疑为应登未登取水口`,
      `Unregistered meter ${input.meterId} sent ${input.readings} reading(s) between ${localTime(input.firstSeenMs)} and ${localTime(input.lastSeenMs)} (${where.en}): an intake that should have registered`,
    ),
    evidence: {
      meterId: input.meterId,
      countyKnown: input.countyCode !== null,
      countyCode,
      firstSeenMs: input.firstSeenMs,
      lastSeenMs: input.lastSeenMs,
      firstSeen: localTime(input.firstSeenMs),
      lastSeen: localTime(input.lastSeenMs),
      readings: input.readings,
    },
  };
}
