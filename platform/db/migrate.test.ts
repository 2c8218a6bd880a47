import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/database.ts';
import { withActor } from './database.ts';
import { migrateToLatest } from './migrate.ts';

const testDb = useTestDatabase();

async function expectRefused(statement: ReturnType<typeof sql>, constraint: RegExp) {
  await expect(statement.execute(testDb.db)).rejects.toThrow(constraint);
}

describe('migrations', () => {
  it('are up to date after the run and a second migrate is a no-op', async () => {
    expect(await migrateToLatest(testDb.db)).toEqual([]);
    const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public'`.execute(testDb.db);
    expect(tables.rows.map((t) => t.tablename)).toEqual(
      expect.arrayContaining(['divisions', 'withdrawal_units', 'intakes', 'permits', 'meters', 'meter_replacements', 'registry_changes']),
    );
  });
});

describe('registry constraints in the database', () => {
  let unitId = '';
  const intake = (overrides: string) =>
    sql.raw(`insert into intakes
    (code, name, county_code, unit_id, longitude, latitude, source_type, water_use, intake_kind, well_diameter_mm, non_conventional_kind)
    select ${overrides}`);

  it('accepts a valid unit and intake', async () => {
    const unit = await sql<{ id: string }>`insert into withdrawal_units (name, kind, credit_code, county_code)
      values ('长春水务集团', 'organisation', '91220101MA0Y3K4L2B', '220102') returning id`.execute(testDb.db);
    unitId = unit.rows[0]?.id ?? '';
    await intake(`'C-1', '一号泵站', '220102', ${unitId}, 125.3, 43.9, 'river', 'industrial', 'pump_station', null, null`).execute(
      testDb.db,
    );
  });

  it('refuses an intake placed in a city instead of a county', async () => {
    await expectRefused(
      intake(`'C-2', 'x', '220100', ${unitId}, 125.3, 43.9, 'river', 'industrial', 'pump_station', null, null`),
      /foreign key/,
    );
  });

  it('refuses an irrigation well under 200 mm (out of scope)', async () => {
    await expectRefused(
      intake(`'C-3', 'x', '220102', ${unitId}, 125.3, 43.9, 'groundwater', 'agricultural', 'well', 150, null`),
      /intakes_out_of_scope_well_check/,
    );
  });

  it('refuses a well without diameter and a non-conventional source without its kind', async () => {
    await expectRefused(
      intake(`'C-4', 'x', '220102', ${unitId}, 125.3, 43.9, 'groundwater', 'industrial', 'well', null, null`),
      /intakes_well_diameter_pair_check/,
    );
    await expectRefused(
      intake(`'C-5', 'x', '220102', ${unitId}, 125.3, 43.9, 'non_conventional', 'industrial', 'other', null, null`),
      /intakes_source_kind_pair_check/,
    );
  });

  it('refuses coordinates outside China, a duplicate code, and a permit that ends before it starts', async () => {
    await expectRefused(
      intake(`'C-6', 'x', '220102', ${unitId}, 12.3, 43.9, 'river', 'industrial', 'other', null, null`),
      /intakes_longitude_check/,
    );
    await expectRefused(
      intake(`'C-1', 'x', '220102', ${unitId}, 125.3, 43.9, 'river', 'industrial', 'other', null, null`),
      /intakes_code_key/,
    );
    await expectRefused(
      sql`insert into permits (permit_number, intake_id, issuing_level, valid_from, valid_to, annual_volume_m3)
          select 'P-1', id, 'county', '2026-01-01', '2025-01-01', 1000 from intakes where code = 'C-1'`,
      /permits_validity_check/,
    );
  });

  it('refuses a meter id that could not appear in an MQTT topic', async () => {
    await expectRefused(
      sql`insert into meters (meter_id, intake_id, meter_type, reading_mode, installed_on)
          select 'bad/id', id, 'ultrasonic', 'online', '2024-01-01' from intakes where code = 'C-1'`,
      /meters_meter_id_check/,
    );
  });

  it('records every change with its actor, before and after', async () => {
    await withActor(testDb.db, 'user:zhang', (trx) =>
      trx.updateTable('intakes').set({ name: '一号泵站（改）' }).where('code', '=', 'C-1').execute(),
    );
    const change = await testDb.db
      .selectFrom('registry_changes')
      .selectAll()
      .where('table_name', '=', 'intakes')
      .where('action', '=', 'update')
      .executeTakeFirstOrThrow();
    expect(change.actor).toBe('user:zhang');
    expect(change.before).toMatchObject({ code: 'C-1', name: '一号泵站' });
    expect(change.after).toMatchObject({ code: 'C-1', name: '一号泵站（改）' });
  });
});
