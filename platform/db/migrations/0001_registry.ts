/**
 * The intake registry: divisions, withdrawal units, intakes, permits, meters, meter replacements,
 * and the audit trail that records every change to them (who, when, before/after) by trigger, so a
 * change made outside the API is recorded too. The acting user is read from the transaction-local
 * setting `app.actor` (see withActor in platform/db/database.ts).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table divisions (
  code char(6) primary key check (code ~ '^[1-9][0-9]{5}$'),
  name text not null check (length(btrim(name)) > 0),
  level text not null check (level in ('province', 'city', 'county')),
  parent_code char(6) references divisions (code),
  unique (code, level),
  check ((level = 'province') = (parent_code is null))
);
create index divisions_parent_idx on divisions (parent_code);

create table withdrawal_units (
  id bigint generated always as identity primary key,
  name text not null check (length(btrim(name)) > 0),
  kind text not null check (kind in ('organisation', 'person')),
  credit_code char(18) unique check (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'),
  county_code char(6) not null,
  county_level text not null generated always as ('county') stored,
  contact_person text,
  contact_phone text,
  status text not null default 'active' check (status in ('active', 'suspended', 'retired')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (county_code, county_level) references divisions (code, level),
  check (kind = 'person' or credit_code is not null)
);
create index withdrawal_units_county_idx on withdrawal_units (county_code);

create table intakes (
  id bigint generated always as identity primary key,
  code text not null unique check (code ~ '^[A-Za-z0-9_-]{1,32}$'),
  name text not null check (length(btrim(name)) > 0),
  county_code char(6) not null,
  county_level text not null generated always as ('county') stored,
  unit_id bigint not null references withdrawal_units (id),
  longitude numeric(9, 6) not null check (longitude between 73 and 136),
  latitude numeric(8, 6) not null check (latitude between 3 and 54),
  source_type text not null
    check (source_type in ('river', 'lake', 'reservoir', 'groundwater', 'non_conventional', 'return_water')),
  non_conventional_kind text check (non_conventional_kind in ('reclaimed', 'brackish', 'rain', 'mine', 'desalinated')),
  source_name text,
  water_use text not null
    check (water_use in ('agricultural', 'industrial', 'public_supply', 'domestic', 'ecological', 'other')),
  intake_kind text not null check (intake_kind in ('pump_station', 'gate', 'well', 'other')),
  well_diameter_mm integer check (well_diameter_mm > 0),
  bundled_small_irrigation boolean not null default false,
  confidential boolean not null default false,
  permit_exempt boolean not null default false,
  status text not null default 'active' check (status in ('active', 'suspended', 'retired')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (county_code, county_level) references divisions (code, level),
  constraint intakes_source_kind_pair_check
    check ((source_type = 'non_conventional') = (non_conventional_kind is not null)),
  constraint intakes_well_diameter_pair_check check ((intake_kind = 'well') = (well_diameter_mm is not null)),
  constraint intakes_bundle_is_agricultural_check check (not bundled_small_irrigation or water_use = 'agricultural'),
  constraint intakes_out_of_scope_well_check
    check (not (intake_kind = 'well' and water_use = 'agricultural' and well_diameter_mm < 200))
);
create index intakes_county_idx on intakes (county_code);
create index intakes_unit_idx on intakes (unit_id);

create table permits (
  id bigint generated always as identity primary key,
  permit_number text not null unique check (length(btrim(permit_number)) > 0),
  intake_id bigint not null references intakes (id),
  issuing_level text not null check (issuing_level in ('basin', 'province', 'city', 'county')),
  valid_from date not null,
  valid_to date not null,
  annual_volume_m3 numeric(14, 2) not null check (annual_volume_m3 > 0),
  monthly_plan_m3 numeric(14, 2)[]
    check (monthly_plan_m3 is null or (cardinality(monthly_plan_m3) = 12 and 0 <= all (monthly_plan_m3))),
  daily_limit_m3 numeric(14, 2) check (daily_limit_m3 > 0),
  max_rate_m3h numeric(12, 3) check (max_rate_m3h > 0),
  season_start char(5) check (season_start ~ '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'),
  season_end char(5) check (season_end ~ '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'),
  hours_start time,
  hours_end time,
  status text not null default 'valid' check (status in ('valid', 'suspended', 'revoked')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint permits_validity_check check (valid_to >= valid_from),
  constraint permits_season_pair_check check ((season_start is null) = (season_end is null)),
  constraint permits_hours_pair_check check ((hours_start is null) = (hours_end is null))
);
create index permits_intake_idx on permits (intake_id, valid_from);

create table meters (
  id bigint generated always as identity primary key,
  meter_id text not null unique check (meter_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  intake_id bigint not null references intakes (id),
  meter_type text not null
    check (meter_type in ('electromagnetic', 'ultrasonic', 'mechanical', 'weir_flume', 'power_conversion')),
  reading_mode text not null check (reading_mode in ('online', 'manual')),
  accuracy_class numeric(3, 1) check (accuracy_class > 0),
  diameter_mm integer check (diameter_mm > 0),
  register_max_m3 numeric(16, 3) check (register_max_m3 > 0),
  reporting_interval_s integer not null default 900 check (reporting_interval_s between 1 and 86400),
  installed_on date not null,
  last_calibrated_on date,
  calibration_interval_months integer check (calibration_interval_months between 1 and 240),
  status text not null default 'active' check (status in ('active', 'replaced', 'retired')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint meters_calibration_after_install_check check (last_calibrated_on is null or last_calibrated_on >= installed_on - 3650)
);
create index meters_intake_idx on meters (intake_id);

-- A replacement keeps the old meter's final reading and the new one's first, so volumes stay
-- conserved across the change (brief, section 4).
create table meter_replacements (
  id bigint generated always as identity primary key,
  old_meter_id bigint not null unique references meters (id),
  new_meter_id bigint not null unique references meters (id),
  replaced_at timestamptz not null,
  old_final_total_m3 numeric(16, 3) not null check (old_final_total_m3 >= 0),
  new_initial_total_m3 numeric(16, 3) not null check (new_initial_total_m3 >= 0),
  note text,
  created_at timestamptz not null default now(),
  check (old_meter_id <> new_meter_id)
);

create table registry_changes (
  id bigint generated always as identity primary key,
  table_name text not null,
  row_id text not null,
  action text not null check (action in ('insert', 'update', 'delete')),
  actor text not null,
  changed_at timestamptz not null default now(),
  before jsonb,
  after jsonb
);
create index registry_changes_row_idx on registry_changes (table_name, row_id, id);

create function touch_updated_at() returns trigger language plpgsql as $fn$
begin
  new.updated_at := now();
  return new;
end $fn$;

create function record_registry_change() returns trigger language plpgsql as $fn$
declare
  before_row jsonb := case when tg_op in ('UPDATE', 'DELETE') then to_jsonb(old) end;
  after_row jsonb := case when tg_op in ('INSERT', 'UPDATE') then to_jsonb(new) end;
begin
  if tg_op = 'UPDATE' and (before_row - 'updated_at') = (after_row - 'updated_at') then
    return null;
  end if;
  insert into registry_changes (table_name, row_id, action, actor, before, after)
  values (tg_table_name, coalesce(after_row, before_row) ->> tg_argv[0], lower(tg_op),
          coalesce(nullif(current_setting('app.actor', true), ''), 'db:' || session_user), before_row, after_row);
  return null;
end $fn$;
`.execute(db);

  for (const [table, key] of [
    ['divisions', 'code'],
    ['withdrawal_units', 'id'],
    ['intakes', 'id'],
    ['permits', 'id'],
    ['meters', 'id'],
    ['meter_replacements', 'id'],
  ] as const) {
    if (table !== 'divisions' && table !== 'meter_replacements') {
      await sql`create trigger ${sql.raw(`${table}_touch`)} before update on ${sql.table(table)}
        for each row execute function touch_updated_at()`.execute(db);
    }
    await sql`create trigger ${sql.raw(`${table}_audit`)} after insert or update or delete on ${sql.table(table)}
      for each row execute function record_registry_change(${sql.lit(key)})`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
drop table registry_changes, meter_replacements, meters, permits, intakes, withdrawal_units, divisions;
drop function record_registry_change();
drop function touch_updated_at();
`.execute(db);
}
