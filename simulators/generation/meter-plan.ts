/**
 * Everything decided about a meter before its first reading: its time grid, traits, usage profile
 * and scale, and the combined effects of its scenarios. Planning draws only from seeded streams
 * named after the meter and scenario, so a meter's plan never depends on the rest of the fleet.
 */
import { METER_ID_PATTERN } from '../../domain/registry/index.ts';
import type { MeterStatusFlags } from '../../domain/telemetry/index.ts';
import type { FleetMember } from '../fleet/fleet-member.ts';
import { hashSeed, randomFor } from '../random/prng.ts';
import { scenarioNamed } from '../scenarios/catalogue.ts';
import { type RegisterPath, type ReshapeTools, SCENARIO_NAMES, type ScenarioEffects, type ScenarioUse } from '../scenarios/scenario.ts';
import type { ScenarioEvent } from '../scenarios/scenario-event.ts';
import { type TickGrid, tickGrid } from '../scenarios/tick-grid.ts';
import { createWindowPicker } from '../scenarios/window-picker.ts';
import { profileStatistics } from '../usage/profile-statistics.ts';
import { type UsageProfile, usageProfile } from '../usage/profiles.ts';
import {
  ASSUMED_ANNUAL_VOLUME_M3,
  ASSUMED_MAX_RATE_HEADROOM,
  DEFAULT_REGISTER_MAX_M3,
  NORMAL_FLOW_CEILING_OF_MAX_RATE,
} from './defaults.ts';
import { checkGenerationOptions, type GenerationOptions, toEpochMs } from './generation-options.ts';
import { type MeterTraits, meterTraits } from './meter-traits.ts';
import type { MessageDraft } from './simulated-message.ts';

const HOURS_PER_YEAR = 8760;

/** The scenarios' hooks folded into one of each. */
export interface CombinedEffects {
  flow(tick: number, flowM3h: number): number;
  registerFrozen(tick: number): boolean;
  registerJumpBackShare(tick: number): number;
  initialRegisterLitres: ((path: RegisterPath) => number | undefined) | undefined;
  statusFlags(tick: number): Required<MeterStatusFlags>;
  tsOffsetMs: number;
  reshape(drafts: Iterable<MessageDraft>, tools: ReshapeTools): Iterable<MessageDraft>;
}

export interface MeterPlan {
  meter: FleetMember;
  /** The id in the topic (differs from meter.meterId for an unregistered meter). */
  publishedAs: string;
  meterSeed: number;
  grid: TickGrid;
  traits: MeterTraits;
  profile: UsageProfile;
  /** Permitted annual volume, or the assumed one for an intake without a valid permit. */
  annualVolumeM3: number;
  /** Annual volume this run withdraws at (utilisation or an over-permit share of the above). */
  targetAnnualM3: number;
  /** The permit's maximum rate, or the assumed one. */
  maxRateM3h: number;
  /** Normal flow is kept below this (pumps are sized to the permit). */
  flowCeilingM3h: number;
  registerMaxLitres: number;
  effects: CombinedEffects;
  /** Events known when planning (the register adds the rest while generating). */
  plannedEvents: ScenarioEvent[];
}

export function planMeter(meter: FleetMember, options: GenerationOptions): MeterPlan {
  if (!METER_ID_PATTERN.test(meter.meterId)) throw new RangeError(`meter id "${meter.meterId}" is not [A-Za-z0-9_-]{1,64}`);
  checkGenerationOptions(options, meter.reportingIntervalS);
  const meterSeed = hashSeed(options.seed, meter.meterId);
  const grid = tickGrid(toEpochMs(options.from), toEpochMs(options.to), options.intervalS ?? meter.reportingIntervalS);
  const annualVolumeM3 = meter.annualVolumeM3 ?? ASSUMED_ANNUAL_VOLUME_M3[meter.waterUse];
  const registerMaxLitres = Math.round((meter.registerMaxM3 ?? DEFAULT_REGISTER_MAX_M3) * 1000);
  const traits = meterTraits(meterSeed, annualVolumeM3, registerMaxLitres);
  const profile = usageProfile(meter.waterUse, traits);
  const permittedMeanFlowM3h = annualVolumeM3 / HOURS_PER_YEAR;
  const maxRateM3h = meter.maxRateM3h ?? permittedMeanFlowM3h * profileStatistics(profile).peakToMean * ASSUMED_MAX_RATE_HEADROOM;

  const windows = createWindowPicker(grid);
  const planned = canonicalOrder(options.scenarios ?? meter.scenarios).map((use) =>
    scenarioNamed(use.name).plan(
      {
        meter,
        grid,
        random: randomFor(meterSeed, 'scenario', use.name),
        windows,
        annualVolumeM3,
        permittedMeanFlowM3h,
        maxRateM3h,
        registerMaxLitres,
      },
      use.params ?? {},
    ),
  );
  const effects = planned.map((p) => p.effects);
  const share = effects.reduce<number | undefined>((s, e) => e.annualVolumeShare ?? s, undefined);
  return {
    meter,
    publishedAs: effects.reduce((id, e) => e.publishAs ?? id, meter.meterId),
    meterSeed,
    grid,
    traits,
    profile,
    annualVolumeM3,
    targetAnnualM3: annualVolumeM3 * (share ?? traits.utilisation),
    maxRateM3h,
    flowCeilingM3h: maxRateM3h * NORMAL_FLOW_CEILING_OF_MAX_RATE,
    registerMaxLitres,
    effects: combine(effects),
    plannedEvents: planned.flatMap((p) => p.events),
  };
}

/** One entry per scenario, in the pipeline's order, whatever order they were given in. */
function canonicalOrder(uses: readonly ScenarioUse[]): ScenarioUse[] {
  const byName = new Map(uses.map((u) => [u.name, u]));
  return SCENARIO_NAMES.flatMap((name) => byName.get(name) ?? []);
}

const NO_FLAGS: Required<MeterStatusFlags> = { powerOff: false, tamper: false, lowBattery: false, reverseFlow: false };

function combine(effects: readonly ScenarioEffects[]): CombinedEffects {
  const flows = effects.flatMap((e) => e.flow ?? []);
  const frozen = effects.flatMap((e) => e.registerFrozen ?? []);
  const jumps = effects.flatMap((e) => e.registerJumpBackShare ?? []);
  const flags = effects.flatMap((e) => e.statusFlags ?? []);
  const reshapes = effects.flatMap((e) => e.reshape ?? []);
  return {
    flow: (tick, flowM3h) => flows.reduce((f, hook) => hook(tick, f), flowM3h),
    registerFrozen: (tick) => frozen.some((hook) => hook(tick)),
    registerJumpBackShare: (tick) =>
      Math.min(
        1,
        jumps.reduce((sum, hook) => sum + hook(tick), 0),
      ),
    initialRegisterLitres: effects.find((e) => e.initialRegisterLitres)?.initialRegisterLitres,
    statusFlags: (tick) => flags.reduce<Required<MeterStatusFlags>>((all, hook) => ({ ...all, ...hook(tick) }), NO_FLAGS),
    tsOffsetMs: effects.reduce((sum, e) => sum + (e.tsOffsetMs ?? 0), 0),
    reshape: (drafts, tools) => reshapes.reduce((stream, hook) => hook(stream, tools), drafts),
  };
}

/** Mean flow (m3/h) of this run's target annual volume: the usage profile is scaled to it. */
export function targetMeanFlowM3h(plan: MeterPlan): number {
  return plan.targetAnnualM3 / HOURS_PER_YEAR;
}
