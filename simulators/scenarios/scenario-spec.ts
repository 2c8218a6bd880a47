/**
 * Scenario choices as written on the command line: "name[:fraction][:key=value...]", several joined
 * by commas, e.g. "over-permit:0.1:factor=1.5,offline-gap:0.05,malformed:0.02:rate=0.1".
 * The fraction is the share of the fleet's meters that get the scenario (default 1: every meter).
 */
import { isScenarioName, scenarioNamed, SCENARIOS } from './catalogue.ts';
import type { ScenarioUse } from './scenario.ts';

export interface ScenarioSpec {
  use: ScenarioUse;
  /** Share of the fleet's meters, 0-1. */
  fraction: number;
}

export class ScenarioSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioSpecError';
  }
}

export function parseScenarioSpecs(text: string): ScenarioSpec[] {
  const specs = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(parseOne);
  const seen = new Set<string>();
  for (const { use } of specs) {
    if (seen.has(use.name)) throw new ScenarioSpecError(`scenario ${use.name} is given twice`);
    seen.add(use.name);
  }
  return specs;
}

function parseOne(text: string): ScenarioSpec {
  const [name = '', ...parts] = text.split(':');
  if (!isScenarioName(name)) {
    throw new ScenarioSpecError(`unknown scenario "${name}"; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  }
  let fraction = 1;
  const params: Record<string, string> = {};
  parts.forEach((part, index) => {
    const eq = part.indexOf('=');
    if (eq < 0) {
      const value = Number(part);
      if (index !== 0 || part === '' || !Number.isFinite(value) || value < 0 || value > 1) {
        throw new ScenarioSpecError(`scenario ${name}: expected a fraction 0-1 or key=value, got "${part}"`);
      }
      fraction = value;
      return;
    }
    params[part.slice(0, eq)] = part.slice(eq + 1);
  });
  const problems = scenarioNamed(name).check(params);
  if (problems.length > 0) throw new ScenarioSpecError(`scenario ${name}: ${problems.join('; ')}`);
  return { use: { name, params }, fraction };
}
