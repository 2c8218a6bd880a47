/**
 * What a scenario is: a named disturbance of a meter's readings, with parameters, a description of
 * what the monitor should find, and a plan of effects that the generation pipeline applies at its
 * stages (flow, register, reading, message stream). Each scenario lives in its own file.
 */
import { z } from 'zod';
import type { MeterStatusFlags } from '../../domain/telemetry/index.ts';
import type { FleetMember } from '../fleet/fleet-member.ts';
import type { MessageDraft } from '../generation/simulated-message.ts';
import type { TimestampFormat } from '../generation/wire-format.ts';
import type { Random } from '../random/prng.ts';
import type { ScenarioEvent } from './scenario-event.ts';
import type { TickGrid } from './tick-grid.ts';
import type { WindowPicker } from './window-picker.ts';

/** Every scenario, in the order the pipeline applies them (so the order given never matters). */
export const SCENARIO_NAMES = [
  'normal',
  'over-permit',
  'offline-gap',
  'rollover',
  'rollback',
  'stuck-register',
  'rate-spike',
  'clock-skew',
  'malformed',
  'unregistered',
  'duplicates',
  'fault-flags',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export type ScenarioParamValue = string | number | readonly string[];
export type ScenarioParams = Readonly<Record<string, ScenarioParamValue>>;

/** A scenario applied to a meter, with its parameters (numbers may be given as text). */
export interface ScenarioUse {
  name: ScenarioName;
  params?: ScenarioParams;
}

/** What a scenario may know about the meter when it plans. */
export interface ScenarioContext {
  meter: FleetMember;
  grid: TickGrid;
  /** This scenario's own seeded stream (seed, meter, scenario name). */
  random: Random;
  /** Shared by the meter's scenarios so that their windows do not overlap. */
  windows: WindowPicker;
  /** The permitted (or assumed) annual volume. */
  annualVolumeM3: number;
  /** Mean flow if the whole annual volume were used evenly (m3/h). */
  permittedMeanFlowM3h: number;
  /** The permit's maximum rate, or an assumed one when the permit sets none. */
  maxRateM3h: number;
  registerMaxLitres: number;
}

/** The register's course from zero, known before generation, for scenarios that place a wrap. */
export interface RegisterPath {
  /** Litres the register counts in the interval ending at tick k (0 for k = 0 and frozen intervals). */
  increments: Float64Array;
  /** The register at tick k if it started at zero (no wrapping; jumps back are not included). */
  fromZero: Float64Array;
}

/** Hooks into the pipeline's stages; a scenario sets only those it needs. */
export interface ScenarioEffects {
  /** The share of the annual volume to withdraw, instead of normal use's 60-85 % (over-permit). */
  annualVolumeShare?: number;
  /** The flow of the interval ending at `tick`, given the modelled one (m3/h). */
  flow?: (tick: number, flowM3h: number) => number;
  /** The register does not count the interval ending at `tick`. */
  registerFrozen?: (tick: number) => boolean;
  /** Share (0-1) of its value that the register loses just before the reading at `tick`. */
  registerJumpBackShare?: (tick: number) => number;
  /** The register's starting value (litres), chosen once its course is known. */
  initialRegisterLitres?: (path: RegisterPath) => number | undefined;
  /** Status flags raised in the reading at `tick`. */
  statusFlags?: (tick: number) => Partial<MeterStatusFlags> | undefined;
  /** Added to every reading's `ts` (the meter's clock is wrong; send times stay true). */
  tsOffsetMs?: number;
  /** The meter id used in topics instead of the registered one. */
  publishAs?: string;
  /** Reshapes the meter's message stream (withhold, batch, break, repeat messages). */
  reshape?: (drafts: Iterable<MessageDraft>, tools: ReshapeTools) => Iterable<MessageDraft>;
}

export interface ReshapeTools {
  grid: TickGrid;
  timestampFormat: TimestampFormat;
}

export interface ScenarioPlan {
  effects: ScenarioEffects;
  /** Ground truth known when planning (events that happen in the register are added as they occur). */
  events: ScenarioEvent[];
}

export interface ScenarioParamHelp {
  name: string;
  description: string;
}

export interface Scenario {
  name: ScenarioName;
  /** What it does to the readings. */
  summary: string;
  /** What the monitor (or ingest) should detect. */
  monitorShould: string;
  params: readonly ScenarioParamHelp[];
  /** Problems with the parameters, in words for a person; [] when they are fine. */
  check(params: ScenarioParams): string[];
  plan(context: ScenarioContext, params: ScenarioParams): ScenarioPlan;
}

interface ScenarioDefinition<S extends z.ZodObject> {
  name: ScenarioName;
  summary: string;
  monitorShould: string;
  /** A strict object schema; each field described, coercing text (from the CLI) to its type. */
  params: S;
  plan(context: ScenarioContext, params: z.output<S>): ScenarioPlan;
}

/** Builds a scenario whose parameters are validated by a zod schema. */
export function defineScenario<S extends z.ZodObject>(definition: ScenarioDefinition<S>): Scenario {
  const { name, summary, monitorShould, params: schema } = definition;
  const parse = (params: ScenarioParams): z.output<S> => {
    const parsed = schema.safeParse(params);
    if (parsed.success) return parsed.data;
    throw new Error(`scenario ${name}: ${describeIssues(parsed.error).join('; ')}`);
  };
  return {
    name,
    summary,
    monitorShould,
    params: Object.entries(schema.shape).map(([key, field]) => ({
      name: key,
      description: (field as z.ZodType).description ?? '',
    })),
    check: (params) => {
      const parsed = schema.safeParse(params);
      return parsed.success ? [] : describeIssues(parsed.error);
    },
    plan: (context, params) => definition.plan(context, parse(params)),
  };
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
}

/** A list parameter: "a+b+c" on the command line, or an array from code. */
export function listParam<T extends string>(values: readonly [T, ...T[]]) {
  return z.preprocess((v) => (typeof v === 'string' ? v.split('+').filter((s) => s !== '') : v), z.array(z.enum(values)).min(1));
}

/** The plan of a scenario that changes nothing on this meter (e.g. no window fits). */
export const noPlan = (): ScenarioPlan => ({ effects: {}, events: [] });
