/**
 * The command line of `node simulators/main.ts` (npm run simulate -- ...), parsed and checked into
 * run settings. Pure (the current time is passed in), so tests can cover every rule.
 */
import { parseArgs } from 'node:util';
import { DAY_MS, localDay, localDayStart } from '../../platform/local-time.ts';
import { divisionCode } from '../../domain/registry/index.ts';
import { waterUse } from '../../domain/registry/index.ts';
import type { WaterUse } from '../fleet/fleet-member.ts';
import type { FleetGenerationOptions } from '../generation/fleet-messages.ts';
import { MAX_INTERVAL_S } from '../generation/generation-options.ts';
import type { PublishClock } from '../publish/publish-clock.ts';
import { parseScenarioSpecs, type ScenarioSpec, ScenarioSpecError } from '../scenarios/scenario-spec.ts';

export type FleetSource =
  | { source: 'generated'; count: number; meterIdPrefix: string; waterUse?: WaterUse; annualVolumeM3?: number }
  | { source: 'registry'; divisionCode?: string };

export interface RunSettings {
  fleet: FleetSource;
  fromMs: number;
  toMs: number;
  /** With --history: now, when the meters come online and forward the history (GenerationOptions.catchUpAt). */
  catchUpAtMs: number | undefined;
  /** Overrides every meter's reporting interval. */
  intervalS: number | undefined;
  seed: number;
  clock: PublishClock;
  scenarios: ScenarioSpec[];
  connections: number;
  maxInFlight: number;
  perMeterConnections: boolean;
  /** Per-meter logins: username = meter id, this password. */
  meterPassword: string | undefined;
  dryRun: boolean;
  /** Messages printed by a dry run. */
  show: number;
  quiet: boolean;
}

export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

const OPTIONS = {
  meters: { type: 'string' },
  'from-registry': { type: 'boolean' },
  division: { type: 'string' },
  prefix: { type: 'string' },
  use: { type: 'string' },
  'annual-volume': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  days: { type: 'string' },
  history: { type: 'string' },
  interval: { type: 'string' },
  seed: { type: 'string' },
  clock: { type: 'string' },
  speed: { type: 'string' },
  rate: { type: 'string' },
  scenario: { type: 'string' },
  connections: { type: 'string' },
  'max-in-flight': { type: 'string' },
  'per-meter-connections': { type: 'boolean' },
  'meter-password': { type: 'string' },
  'dry-run': { type: 'boolean' },
  show: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Undefined when --help was asked for. */
export function parseCliOptions(argv: readonly string[], nowMs: number): RunSettings | undefined {
  const values = readArgs(argv);
  if (values.help) return undefined;

  const clockMode = values.clock ?? 'accelerated';
  if (clockMode !== 'accelerated' && clockMode !== 'realtime') {
    throw new CliError(`--clock must be accelerated or realtime, got "${clockMode}"`);
  }
  const { fromMs, toMs } = window(values, clockMode, nowMs);
  const historyMs = history(values, clockMode);
  const runClock = clock(values, clockMode);
  return {
    fleet: fleetSource(values),
    // History begins at a local midnight, so that its days are whole.
    fromMs: historyMs > 0 ? localDayStart(localDay(fromMs - historyMs)) : fromMs,
    toMs,
    // The meters kept the history and forward it when they come online, now.
    catchUpAtMs: historyMs > 0 ? fromMs : undefined,
    intervalS: optional(values.interval, (v) => integer('--interval', v, 1, MAX_INTERVAL_S)),
    seed: optional(values.seed, (v) => integer('--seed', v, 0, 0xffffffff)) ?? 1,
    // With --history the simulated clock reads now at the start: the history goes out at once.
    clock: historyMs > 0 && runClock.mode === 'realtime' ? { ...runClock, startMs: fromMs } : runClock,
    scenarios: scenarios(values.scenario),
    connections: optional(values.connections, (v) => integer('--connections', v, 1, 1000)) ?? 4,
    maxInFlight: optional(values['max-in-flight'], (v) => integer('--max-in-flight', v, 1, 65_535)) ?? 1000,
    perMeterConnections: values['per-meter-connections'] ?? false,
    meterPassword: values['meter-password'],
    dryRun: values['dry-run'] ?? false,
    show: optional(values.show, (v) => integer('--show', v, 0, 100_000)) ?? 5,
    quiet: values.quiet ?? false,
  };
}

/** What to generate for the run's fleet (each member's scenarios are its own). */
export function generationOptions(settings: RunSettings): FleetGenerationOptions {
  return {
    from: settings.fromMs,
    to: settings.toMs,
    seed: settings.seed,
    ...(settings.intervalS === undefined ? {} : { intervalS: settings.intervalS }),
    ...(settings.catchUpAtMs === undefined ? {} : { catchUpAt: settings.catchUpAtMs }),
  };
}

function readArgs(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
}
type Values = ReturnType<typeof readArgs>;

function fleetSource(values: Values): FleetSource {
  const registry = values['from-registry'] === true;
  if (registry === (values.meters !== undefined)) throw new CliError('give either --meters N or --from-registry');
  if (registry) {
    for (const flag of ['prefix', 'use', 'annual-volume'] as const) {
      if (values[flag] !== undefined) throw new CliError(`--${flag} is for a generated fleet (--meters), not --from-registry`);
    }
    const division = values.division;
    if (division !== undefined && !divisionCode.safeParse(division).success) {
      throw new CliError(`--division must be a 6-digit division code, got "${division}"`);
    }
    return division === undefined ? { source: 'registry' } : { source: 'registry', divisionCode: division };
  }
  if (values.division !== undefined) throw new CliError('--division is for --from-registry');
  const fleet: FleetSource = {
    source: 'generated',
    count: integer('--meters', values.meters ?? '', 1, 10_000_000),
    meterIdPrefix: values.prefix ?? 'SIM-',
  };
  if (!/^[A-Za-z0-9_-]{0,40}$/.test(fleet.meterIdPrefix)) {
    throw new CliError(`--prefix may hold only A-Z a-z 0-9 _ - (at most 40), got "${fleet.meterIdPrefix}"`);
  }
  if (values.use !== undefined) {
    const use = waterUse.schema.safeParse(values.use);
    if (!use.success) throw new CliError(`--use must be one of ${waterUse.values.join(', ')}, got "${values.use}"`);
    fleet.waterUse = use.data;
  }
  if (values['annual-volume'] !== undefined) fleet.annualVolumeM3 = positive('--annual-volume', values['annual-volume']);
  return fleet;
}

function window(values: Values, clockMode: 'accelerated' | 'realtime', nowMs: number): { fromMs: number; toMs: number } {
  if ((values.from === undefined) !== (values.to === undefined)) throw new CliError('give --from and --to together');
  if (values.from !== undefined && values.to !== undefined) {
    if (values.days !== undefined) throw new CliError('give either --from/--to or --days, not both');
    const fromMs = time('--from', values.from);
    const toMs = time('--to', values.to);
    if (toMs <= fromMs) throw new CliError('--to must be after --from');
    return { fromMs, toMs };
  }
  const days = values.days === undefined ? 1 : positive('--days', values.days);
  const lengthMs = Math.round(days * DAY_MS);
  // History ends now; a realtime run starts now and plays forward.
  return clockMode === 'realtime' ? { fromMs: nowMs, toMs: nowMs + lengthMs } : { fromMs: nowMs - lengthMs, toMs: nowMs };
}

/** --history DAYS (realtime runs that start now): that much past before now, from the local midnight before, sent at once. */
function history(values: Values, mode: 'accelerated' | 'realtime'): number {
  if (values.history === undefined) return 0;
  if (mode !== 'realtime' || values.from !== undefined) throw new CliError('--history is for --clock realtime with --days');
  return Math.round(positive('--history', values.history) * DAY_MS);
}

function clock(values: Values, mode: 'accelerated' | 'realtime'): PublishClock {
  if (mode === 'accelerated') {
    if (values.speed !== undefined) throw new CliError('--speed is for --clock realtime');
    const ratePerS = optional(values.rate, (v) => positive('--rate', v));
    return ratePerS === undefined ? { mode } : { mode, ratePerS };
  }
  if (values.rate !== undefined) throw new CliError('--rate is for --clock accelerated');
  return { mode, speed: optional(values.speed, (v) => positive('--speed', v)) ?? 1 };
}

function scenarios(text: string | undefined): ScenarioSpec[] {
  if (text === undefined) return [];
  try {
    return parseScenarioSpecs(text);
  } catch (error) {
    if (error instanceof ScenarioSpecError) throw new CliError(`--scenario: ${error.message}`);
    throw error;
  }
}

function optional<T>(value: string | undefined, parse: (v: string) => T): T | undefined {
  return value === undefined ? undefined : parse(value);
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new CliError(`${flag} must be a whole number ${min}-${max}, got "${text}"`);
  }
  return value;
}

function positive(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new CliError(`${flag} must be a number > 0, got "${text}"`);
  return value;
}

function time(flag: string, text: string): number {
  // Date.parse reads a date-time without offset as local time of this machine: require an offset.
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2}))?$/.test(text)) {
    throw new CliError(
      `${flag} must be ISO 8601 with an offset (2026-06-01T00:00:00+08:00) or a date (2026-06-01, local midnight), got "${text}"`,
    );
  }
  // A bare date means local midnight in Asia/Shanghai, the authority's day.
  const ms = text.length === 10 ? localDayStart(text) : Date.parse(text);
  if (Number.isNaN(ms)) throw new CliError(`${flag} is not a real date and time: "${text}"`);
  return ms;
}
