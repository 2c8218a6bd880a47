/** The fleet as the registry knows it (domain/registry's online meters), ready to simulate. */
import type { Db } from '../../platform/db/database.ts';
import { listOnlineMeters, type OnlineMeterOptions } from '../../domain/registry/index.ts';
import { DEFAULT_REPORTING_INTERVAL_S } from '../generation/defaults.ts';
import type { FleetMember } from './fleet-member.ts';

export type RegistryFleetOptions = OnlineMeterOptions;

export async function loadRegistryFleet(db: Db, options: RegistryFleetOptions = {}): Promise<FleetMember[]> {
  const meters = await listOnlineMeters(db, options);
  return meters.map((m) => ({ ...m, reportingIntervalS: m.reportingIntervalS ?? DEFAULT_REPORTING_INTERVAL_S, scenarios: [] }));
}
