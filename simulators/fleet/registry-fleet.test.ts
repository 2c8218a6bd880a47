import { beforeAll, describe, expect, it } from 'vitest';
import { withActor } from '../../platform/db/database.ts';
import { useTestDatabase } from '../../test/database.ts';
import { loadRegistryFleet } from './registry-fleet.ts';

const testDb = useTestDatabase();

beforeAll(async () => {
  await withActor(testDb.db, 'simulator-test', async (trx) => {
    const unit = await trx
      .insertInto('withdrawal_units')
      .values({ name: 'Farmer Li', kind: 'person', county_code: '220102' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const intake = (code: string, county: string, waterUse: string, status: 'active' | 'suspended' = 'active') =>
      trx
        .insertInto('intakes')
        .values({
          code,
          name: `Intake ${code}`,
          county_code: county,
          unit_id: unit.id,
          longitude: 125.3,
          latitude: 43.9,
          source_type: 'river',
          water_use: waterUse,
          intake_kind: 'pump_station',
          status,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const farm = await intake('FARM', '220102', 'agricultural');
    const plant = await intake('PLANT', '220202', 'industrial');
    const closed = await intake('CLOSED', '220102', 'domestic', 'suspended');
    const permit = (number: string, intakeId: string, from: string, to: string, volume: number, status: 'valid' | 'revoked' = 'valid') =>
      trx
        .insertInto('permits')
        .values({
          permit_number: number,
          intake_id: intakeId,
          issuing_level: 'county',
          valid_from: from,
          valid_to: to,
          annual_volume_m3: volume,
          max_rate_m3h: 120,
          status,
        })
        .execute();
    await permit('P-OLD', farm.id, '2020-01-01', '2024-12-31', 100_000); // expired
    await permit('P-NOW', farm.id, '2025-01-01', '2029-12-31', 250_000); // current
    await permit('P-REVOKED', farm.id, '2026-01-01', '2030-12-31', 900_000, 'revoked');
    const meter = (meterId: string, intakeId: string, mode: 'online' | 'manual', status: 'active' | 'retired' = 'active') =>
      trx
        .insertInto('meters')
        .values({
          meter_id: meterId,
          intake_id: intakeId,
          meter_type: 'electromagnetic',
          reading_mode: mode,
          register_max_m3: meterId === 'FARM-1' ? 9_999_999 : null,
          reporting_interval_s: meterId === 'FARM-1' ? 300 : 900,
          installed_on: '2024-04-01',
          status,
        })
        .execute();
    await meter('FARM-1', farm.id, 'online');
    await meter('FARM-MANUAL', farm.id, 'manual');
    await meter('FARM-OLD', farm.id, 'online', 'retired');
    await meter('PLANT-1', plant.id, 'online');
    await meter('CLOSED-1', closed.id, 'online');
  });
});

describe('loadRegistryFleet', () => {
  it("takes active online meters at active intakes, with the intake's use and current permit", async () => {
    const fleet = await loadRegistryFleet(testDb.db, { onDate: '2026-06-01' });
    expect(fleet).toEqual([
      {
        meterId: 'FARM-1',
        intakeCode: 'FARM',
        waterUse: 'agricultural',
        annualVolumeM3: 250_000,
        maxRateM3h: 120,
        registerMaxM3: 9_999_999,
        reportingIntervalS: 300,
        scenarios: [],
      },
      {
        meterId: 'PLANT-1',
        intakeCode: 'PLANT',
        waterUse: 'industrial',
        annualVolumeM3: null, // no permit: withdrawing without one
        maxRateM3h: null,
        registerMaxM3: null,
        reportingIntervalS: 900,
        scenarios: [],
      },
    ]);
  });

  it('has no permit once the current one has expired', async () => {
    const fleet = await loadRegistryFleet(testDb.db, { onDate: '2030-06-01' });
    expect(fleet.find((m) => m.meterId === 'FARM-1')?.annualVolumeM3).toBeNull();
  });

  it('keeps to a division', async () => {
    const fleet = await loadRegistryFleet(testDb.db, { onDate: '2026-06-01', divisionCode: '220100' });
    expect(fleet.map((m) => m.meterId)).toEqual(['FARM-1']);
  });
});
