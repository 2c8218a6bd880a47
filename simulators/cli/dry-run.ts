/** What a run would send, without a broker: counts per kind and scenario, and the first messages. */
import type { FleetMember } from '../fleet/fleet-member.ts';
import { fleetMessages, type FleetGenerationOptions } from '../generation/fleet-messages.ts';
import { startMeterRun } from '../generation/meter-simulation.ts';
import type { MessageKind } from '../generation/simulated-message.ts';

export interface DryRunSummary {
  meters: number;
  metersByUse: Record<string, number>;
  metersByScenario: Record<string, number>;
  messages: number;
  messagesByKind: Record<MessageKind, number>;
  readings: number;
  payloadBytes: number;
  events: Record<string, number>;
  generatedM3: number;
}

export function summarise(fleet: readonly FleetMember[], options: FleetGenerationOptions): DryRunSummary {
  const summary: DryRunSummary = {
    meters: fleet.length,
    metersByUse: {},
    metersByScenario: {},
    messages: 0,
    messagesByKind: { live: 0, backlog: 0, duplicate: 0, malformed: 0 },
    readings: 0,
    payloadBytes: 0,
    events: {},
    generatedM3: 0,
  };
  const bump = (record: Record<string, number>, key: string) => (record[key] = (record[key] ?? 0) + 1);
  for (const member of fleet) {
    bump(summary.metersByUse, member.waterUse);
    for (const use of member.scenarios) bump(summary.metersByScenario, use.name);
    const run = startMeterRun(member, options);
    for (const message of run.messages) {
      summary.messages++;
      summary.messagesByKind[message.kind]++;
      summary.readings += message.readings.length;
      summary.payloadBytes += Buffer.byteLength(message.payload);
    }
    for (const event of run.events) bump(summary.events, event.kind);
    summary.generatedM3 += run.volume.generatedM3;
  }
  summary.generatedM3 = Math.round(summary.generatedM3 * 1000) / 1000;
  return summary;
}

/** The first `count` messages in send order, as lines of topic, send time, kind and payload. */
export function firstMessages(fleet: readonly FleetMember[], options: FleetGenerationOptions, count: number): string[] {
  const lines: string[] = [];
  if (count === 0) return lines;
  for (const message of fleetMessages(fleet, options)) {
    const payload =
      message.payload.length > 300 ? `${message.payload.slice(0, 300)}... (${message.payload.length} chars)` : message.payload;
    const label = message.defect ? `${message.kind}:${message.defect}` : message.kind;
    lines.push(`${new Date(message.sentAtMs).toISOString()} ${message.topic} [${label}] ${payload}`);
    if (lines.length >= count) break;
  }
  return lines;
}
