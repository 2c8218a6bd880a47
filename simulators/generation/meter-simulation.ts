/**
 * One meter's run, stage by stage: interval flows -> register -> readings -> live messages ->
 * scenario reshaping (gaps and batches, broken messages, repeats) -> catching up (a history
 * forwarded in batches when the meter comes online) -> payload text in send order.
 * Lazy, so a fleet of any size streams in constant memory per meter.
 */
import { readingsTopic, type Reading } from '../../domain/telemetry/index.ts';
import type { FleetMember } from '../fleet/fleet-member.ts';
import { randomFor } from '../random/prng.ts';
import type { ScenarioEvent } from '../scenarios/scenario-event.ts';
import { tickTime } from '../scenarios/tick-grid.ts';
import { catchUp } from './catch-up.ts';
import { type GenerationOptions, toEpochMs } from './generation-options.ts';
import { intervalFlows } from './interval-flows.ts';
import { type MeterPlan, planMeter } from './meter-plan.ts';
import { createRegister, type Register, type VolumeTally } from './register.ts';
import { registerPath } from './register-path.ts';
import type { MessageDraft, SimulatedMessage } from './simulated-message.ts';
import { batchPayload, singleReadingPayload } from './wire-format.ts';

/** A meter's run in progress: `events` and `volume` are complete once `messages` is exhausted. */
export interface MeterRun {
  plan: MeterPlan;
  messages: Generator<SimulatedMessage>;
  events: ScenarioEvent[];
  volume: VolumeTally;
}

/** A finished run: every message the meter sends, and what happened to its water. */
export interface MeterSimulation {
  /** The registered id. */
  meterId: string;
  /** The id in the topics (differs for an unregistered meter). */
  publishedAs: string;
  messages: SimulatedMessage[];
  /** Ground truth of the scenarios, ordered by time. */
  events: ScenarioEvent[];
  volume: VolumeTally;
}

/** Longest delay between taking a reading and sending it. */
const MAX_LATENCY_MS = 3000;

export function startMeterRun(meter: FleetMember, options: GenerationOptions): MeterRun {
  const plan = planMeter(meter, options);
  const events = [...plan.plannedEvents];
  const start = plan.effects.initialRegisterLitres?.(registerPath(plan)) ?? plan.traits.initialRegisterLitres;
  const register = createRegister(plan.grid, start, plan.registerMaxLitres, (e) => events.push(e));
  const reshaped = plan.effects.reshape(liveDrafts(plan, register), {
    grid: plan.grid,
    timestampFormat: plan.traits.timestampFormat,
  });
  const drafts = options.catchUpAt === undefined ? reshaped : catchUp(reshaped, toEpochMs(options.catchUpAt));
  return { plan, messages: inSendOrder(drafts, plan), events, volume: register.tally };
}

export function simulateMeter(meter: FleetMember, options: GenerationOptions): MeterSimulation {
  const run = startMeterRun(meter, options);
  const messages = [...run.messages];
  return {
    meterId: meter.meterId,
    publishedAs: run.plan.publishedAs,
    messages,
    events: run.events.sort((a, b) => eventTime(a) - eventTime(b)),
    volume: run.volume,
  };
}

/** The messages a meter sends in the window, in send order. */
export function generateMeterReadings(meter: FleetMember, options: GenerationOptions): SimulatedMessage[] {
  return simulateMeter(meter, options).messages;
}

function* liveDrafts(plan: MeterPlan, register: Register): Generator<MessageDraft> {
  const { grid, effects, traits } = plan;
  const latency = randomFor(plan.meterSeed, 'latency');
  const maxLatencyMs = Math.min(MAX_LATENCY_MS, grid.intervalMs / 2);
  for (const { tick, flowM3h, litres } of intervalFlows(plan)) {
    const totalM3 = register.read(tick, litres, effects.registerFrozen(tick), effects.registerJumpBackShare(tick));
    const takenAtMs = tickTime(grid, tick);
    const reading: Reading = {
      ts: takenAtMs + effects.tsOffsetMs,
      totalM3,
      flowM3h,
      seq: traits.firstSeq + tick,
      status: { ...effects.statusFlags(tick) },
    };
    yield {
      kind: 'live',
      tick,
      sentAtMs: takenAtMs + Math.floor(latency.between(maxLatencyMs / 10, maxLatencyMs)),
      readings: [reading],
      batch: false,
    };
  }
  register.finish();
}

/** Writes the payloads and keeps send times strictly increasing, as one meter's connection sends them. */
function* inSendOrder(drafts: Iterable<MessageDraft>, plan: MeterPlan): Generator<SimulatedMessage> {
  const meterId = plan.publishedAs;
  const topic = readingsTopic(meterId);
  const format = plan.traits.timestampFormat;
  let lastSentAtMs = Number.NEGATIVE_INFINITY;
  for (const draft of drafts) {
    const sentAtMs = Math.max(draft.sentAtMs, lastSentAtMs + 1);
    lastSentAtMs = sentAtMs;
    const payload =
      draft.payload ??
      (draft.batch || draft.readings.length !== 1 ? batchPayload(draft.readings, format) : singleReadingPayload(firstOf(draft), format));
    const message: SimulatedMessage = { meterId, topic, payload, sentAtMs, kind: draft.kind, readings: draft.readings };
    if (draft.defect) message.defect = draft.defect;
    yield message;
  }
}

function firstOf(draft: MessageDraft): Reading {
  const reading = draft.readings[0];
  if (!reading) throw new Error('a single-reading message without a reading');
  return reading;
}

function eventTime(event: ScenarioEvent): number {
  if ('atMs' in event) return event.atMs;
  if ('fromMs' in event) return event.fromMs;
  return Number.NEGATIVE_INFINITY;
}
