/** Every scenario by name, in the order the pipeline applies them. */
import { clockSkew } from './clock-skew.ts';
import { duplicates } from './duplicates.ts';
import { faultFlags } from './fault-flags.ts';
import { malformed } from './malformed.ts';
import { normal } from './normal.ts';
import { offlineGap } from './offline-gap.ts';
import { overPermit } from './over-permit.ts';
import { rateSpike } from './rate-spike.ts';
import { rollback } from './rollback.ts';
import { rollover } from './rollover.ts';
import { SCENARIO_NAMES, type Scenario, type ScenarioName } from './scenario.ts';
import { stuckRegister } from './stuck-register.ts';
import { unregistered } from './unregistered.ts';

const byName: Readonly<Record<ScenarioName, Scenario>> = {
  normal,
  'over-permit': overPermit,
  'offline-gap': offlineGap,
  rollover,
  rollback,
  'stuck-register': stuckRegister,
  'rate-spike': rateSpike,
  'clock-skew': clockSkew,
  malformed,
  unregistered,
  duplicates,
  'fault-flags': faultFlags,
};

export const SCENARIOS: readonly Scenario[] = SCENARIO_NAMES.map((name) => byName[name]);

export function scenarioNamed(name: ScenarioName): Scenario {
  return byName[name];
}

export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}
