/**
 * The demonstration province that `npm start` loads into an empty registry (START_DEMO, README
 * "The first run"): a few hundred intakes across real Jilin counties (taken from the divisions
 * table), each with a withdrawal unit, an online meter reporting every 15 minutes and, for most, a
 * permit. Some permits are missing, expired or about to expire, so that the monitor has something to
 * raise. Everything is marked as demo: unit and intake names begin with 【演示】, intake codes with
 * DEMO-, meter ids with DEMO-M-.
 *
 * Two users come with it, with generated passwords returned once to the caller (never stored in
 * clear): a provincial admin cleared for confidential intakes, and a county staff member.
 *
 * One transaction (withActor 'system:demo'); a registry that already holds an intake is left alone.
 */
import { randomBytes } from 'node:crypto';
import { type Db, type DbTransaction, withActor } from '../../platform/db/database.ts';
import { addDays, localDay } from '../../platform/local-time.ts';
import { hashPassword } from '../../domain/access/index.ts';
import { creditCodeCheckChar } from '../../domain/registry/index.ts';
import { createRandom } from '../../simulators/random/prng.ts';

export const DEMO_ACTOR = 'system:demo';
export const DEMO_MARK = '【演示】';
export const DEMO_PROVINCE = '220000';

export interface DemoUser {
  username: string;
  password: string;
  role: 'admin' | 'staff';
  divisionCode: string;
  divisionName: string;
}

export type DemoResult =
  | { loaded: false; reason: string }
  | { loaded: true; intakes: number; permits: number; meters: number; counties: number; users: DemoUser[] };

export interface DemoOptions {
  /** Intakes per county (default 25). */
  intakesPerCounty?: number;
  /** How many counties (default 12), spread over the cities of Jilin. */
  counties?: number;
  /** Today's local date (default: now, Asia/Shanghai). */
  today?: string;
}

/** Rough centres of Jilin's cities and prefecture, for plausible coordinates. */
const CITY_CENTRES: Record<string, [number, number]> = {
  '2201': [125.32, 43.82],
  '2202': [126.55, 43.84],
  '2203': [124.35, 43.17],
  '2204': [125.14, 42.89],
  '2205': [125.94, 41.73],
  '2206': [126.42, 41.94],
  '2207': [124.82, 45.14],
  '2208': [122.84, 45.62],
  '2224': [129.51, 42.89],
};

const USES = ['agricultural', 'industrial', 'public_supply', 'domestic', 'ecological'] as const;
const SOURCES: Record<(typeof USES)[number], string[]> = {
  agricultural: ['river', 'groundwater', 'reservoir'],
  industrial: ['river', 'groundwater'],
  public_supply: ['reservoir', 'river', 'groundwater'],
  domestic: ['groundwater'],
  ecological: ['river', 'lake'],
};
const UNIT_NAMES: Record<(typeof USES)[number], string> = {
  agricultural: '灌区管理站',
  industrial: '化工有限公司',
  public_supply: '供水有限公司',
  domestic: '村民委员会',
  ecological: '生态补水管理处',
};
const ANNUAL_M3: Record<(typeof USES)[number], number> = {
  agricultural: 600_000,
  industrial: 300_000,
  public_supply: 2_000_000,
  domestic: 40_000,
  ecological: 150_000,
};

/** A well-formed unified social credit code (GB 32100): 91 + county + DEM + number + check. */
function creditCode(county: string, n: number): string {
  const first17 = `91${county}DEM${String(n).padStart(6, '0')}`;
  return `${first17}${creditCodeCheckChar(first17) ?? '0'}`;
}

function newPassword(): string {
  return randomBytes(12).toString('base64url');
}

/** True when the registry holds no intake: only then is the demo loaded. */
export async function registryIsEmpty(db: Db | DbTransaction): Promise<boolean> {
  const row = await db.selectFrom('intakes').select('id').limit(1).executeTakeFirst();
  return row === undefined;
}

export async function loadDemoProvince(db: Db, options: DemoOptions = {}): Promise<DemoResult> {
  const perCounty = options.intakesPerCounty ?? 25;
  const countyCount = options.counties ?? 12;
  const today = options.today ?? localDay(Date.now());
  // The simulators' seeded generator, so the demo is the same on every machine.
  const random = createRandom(20).next;
  const users = [
    { username: 'demo-admin', role: 'admin' as const, password: newPassword() },
    { username: 'demo-county', role: 'staff' as const, password: newPassword() },
  ];
  // Hashing is slow on purpose: before the transaction, not inside it.
  const hashes = await Promise.all(users.map((u) => hashPassword(u.password)));

  return withActor(db, DEMO_ACTOR, async (trx): Promise<DemoResult> => {
    // Serialises concurrent starts on one database; the second finds the registry filled.
    await trx.selectFrom('divisions').select('code').where('code', '=', DEMO_PROVINCE).forUpdate().execute();
    if (!(await registryIsEmpty(trx))) return { loaded: false, reason: 'the registry already holds intakes' };
    const taken = await trx
      .selectFrom('users')
      .select('username')
      .where(
        'username',
        'in',
        users.map((u) => u.username),
      )
      .execute();
    if (taken.length > 0) return { loaded: false, reason: `user ${taken.map((t) => t.username).join(', ')} already exists` };

    const allCounties = await trx
      .selectFrom('divisions')
      .select(['code', 'name', 'parent_code'])
      .where('level', '=', 'county')
      .where('code', 'like', '22%')
      .orderBy('code')
      .execute();
    if (allCounties.length === 0) return { loaded: false, reason: 'no Jilin counties in the divisions table (SEED_DIVISIONS=false?)' };
    // Round-robin over the cities, so every city has some.
    const byCity = new Map<string, typeof allCounties>();
    for (const c of allCounties) {
      const key = c.code.slice(0, 4);
      byCity.set(key, [...(byCity.get(key) ?? []), c]);
    }
    const counties: typeof allCounties = [];
    for (let round = 0; counties.length < countyCount && round < 20; round++) {
      for (const list of byCity.values()) {
        const c = list[round];
        if (c && counties.length < countyCount) counties.push(c);
      }
    }

    const intakeRows = [];
    const unitRows = [];
    let n = 0;
    for (const county of counties) {
      const [lon, lat] = CITY_CENTRES[county.code.slice(0, 4)] ?? [125.32, 43.82];
      for (let k = 0; k < perCounty; k++, n++) {
        const use = USES[n % USES.length] ?? 'industrial';
        const sources = SOURCES[use];
        const source = sources[Math.floor(random() * sources.length)] ?? 'river';
        const no = String(n + 1).padStart(4, '0');
        unitRows.push({
          name: `${DEMO_MARK}${county.name}${no}号${UNIT_NAMES[use]}`,
          kind: use === 'domestic' ? ('person' as const) : ('organisation' as const),
          credit_code: use === 'domestic' ? null : creditCode(county.code, n + 1),
          county_code: county.code,
          contact_person: '演示联系人',
          contact_phone: '0431-00000000',
        });
        intakeRows.push({
          code: `DEMO-${county.code}-${no}`,
          name: `${DEMO_MARK}${county.name}${no}号取水口`,
          county_code: county.code,
          longitude: Math.round((lon + (random() - 0.5) * 1.2) * 1e5) / 1e5,
          latitude: Math.round((lat + (random() - 0.5) * 0.8) * 1e5) / 1e5,
          source_type: source,
          source_name: source === 'groundwater' ? null : '演示水源',
          water_use: use,
          intake_kind: source === 'groundwater' ? 'well' : 'pump_station',
          well_diameter_mm: source === 'groundwater' ? 300 : null,
        });
      }
    }
    const units = await trx.insertInto('withdrawal_units').values(unitRows).returning('id').execute();
    const intakes = await trx
      .insertInto('intakes')
      .values(intakeRows.map((row, i) => ({ ...row, unit_id: units[i]?.id ?? '' })))
      .returning(['id', 'code', 'water_use'])
      .execute();

    const permitRows = [];
    for (const [i, intake] of intakes.entries()) {
      const draw = random();
      if (draw < 0.06) continue; // no permit: unpermitted withdrawal
      const use = intake.water_use as (typeof USES)[number];
      const annual = Math.round(ANNUAL_M3[use] * (0.5 + random()));
      const expired = draw < 0.1;
      const expiring = !expired && draw < 0.14;
      const validTo = expired ? addDays(today, -20) : expiring ? addDays(today, 30) : addDays(today, 365 * 3);
      const averageRate = annual / 8760;
      permitRows.push({
        permit_number: `取水(吉)字[演示]第${String(i + 1).padStart(5, '0')}号`,
        intake_id: intake.id,
        issuing_level: 'county',
        valid_from: addDays(validTo, -365 * 5),
        valid_to: validTo,
        annual_volume_m3: annual,
        daily_limit_m3: use === 'industrial' || use === 'public_supply' ? Math.round((annual / 365) * 1.6) : null,
        max_rate_m3h: Math.round(averageRate * 4 * 10) / 10,
      });
    }
    if (permitRows.length > 0) await trx.insertInto('permits').values(permitRows).execute();

    await trx
      .insertInto('meters')
      .values(
        intakes.map((intake) => ({
          meter_id: `DEMO-M-${intake.code.slice(5)}`,
          intake_id: intake.id,
          meter_type: 'electromagnetic',
          reading_mode: 'online' as const,
          accuracy_class: 2,
          diameter_mm: 150,
          reporting_interval_s: 900,
          // Installed yesterday: the demo's simulator sends from yesterday's midnight on
          // (DEMO_HISTORY_DAYS, default 1), so nothing looks silent from before its history.
          installed_on: addDays(today, -1),
          last_calibrated_on: addDays(today, -1),
          calibration_interval_months: 24,
        })),
      )
      .execute();

    const countyUser = counties[0];
    if (!countyUser) return { loaded: false, reason: 'no county chosen' };
    const result: DemoUser[] = [];
    for (const [i, u] of users.entries()) {
      const divisionCode = u.role === 'admin' ? DEMO_PROVINCE : countyUser.code;
      await trx
        .insertInto('users')
        .values({
          username: u.username,
          display_name: u.role === 'admin' ? `${DEMO_MARK}省级管理员` : `${DEMO_MARK}${countyUser.name}工作人员`,
          division_code: divisionCode,
          role: u.role,
          confidential: u.role === 'admin',
          password_hash: hashes[i] ?? '',
        })
        .execute();
      result.push({
        username: u.username,
        password: u.password,
        role: u.role,
        divisionCode,
        divisionName: u.role === 'admin' ? '吉林省' : countyUser.name,
      });
    }
    return {
      loaded: true,
      intakes: intakes.length,
      permits: permitRows.length,
      meters: intakes.length,
      counties: counties.length,
      users: result,
    };
  });
}

/** True when the registry holds intakes and all of them are the demo's (codes DEMO-...). */
export async function isDemoRegistry(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('intakes')
    .select((eb) => [eb.fn.countAll<string>().as('all'), eb.fn.count<string>('id').filterWhere('code', 'like', 'DEMO-%').as('demo')])
    .executeTakeFirstOrThrow();
  return Number(row.all) > 0 && row.all === row.demo;
}
