/**
 * The meter fleet simulator as a library, for ingest tests and benchmarks (docs/simulators.md).
 *
 *   const fleet = generateFleet({ count: 1000, seed: 1 });
 *   const messages = fleetMessages(fleet, { from, to, seed: 1 });          // lazy, in send order
 *   const publisher = await MqttPublisher.connect({ url, connections: 4 });
 *   const report = await publisher.publish(messages);                      // { published, acked, failed, ... }
 *   await publisher.close();
 */
export type { FleetMember, WaterUse } from './fleet/fleet-member.ts';
export { generateFleet, type GeneratedFleetOptions } from './fleet/generate-fleet.ts';
export { loadRegistryFleet, type RegistryFleetOptions } from './fleet/registry-fleet.ts';
export { assignScenarios } from './fleet/assign-scenarios.ts';

export type { GenerationOptions } from './generation/generation-options.ts';
export { generateMeterReadings, simulateMeter, startMeterRun, type MeterRun, type MeterSimulation } from './generation/meter-simulation.ts';
export { estimateFleetMessages, fleetMessages, type FleetGenerationOptions } from './generation/fleet-messages.ts';
export type { VolumeTally } from './generation/register.ts';
export { MALFORMED_DEFECTS, type MalformedDefect, type MessageKind, type SimulatedMessage } from './generation/simulated-message.ts';

export { SCENARIOS, scenarioNamed } from './scenarios/catalogue.ts';
export { SCENARIO_NAMES, type ScenarioName, type ScenarioParams, type ScenarioUse } from './scenarios/scenario.ts';
export type { ScenarioEvent } from './scenarios/scenario-event.ts';
export { parseScenarioSpecs, type ScenarioSpec } from './scenarios/scenario-spec.ts';

export { MqttPublisher, type MqttPublisherOptions, type PublishOptions } from './publish/mqtt-publisher.ts';
export type { PublishClock } from './publish/publish-clock.ts';
export { formatProgress, type PublishProgress, type PublishReport } from './publish/publish-report.ts';
