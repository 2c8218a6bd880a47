/**
 * The accounts as people read them (issue 18): per intake, its daily, monthly and yearly volumes
 * against each permit condition (annual volume, monthly plan, daily limit), the share used, the
 * projection to the year's end, and the status and completeness of each day; every figure names
 * the daily_accounts days it sums, so it can be checked. Per division: the same totals by county
 * and city. Scoped to a principal: an intake outside its division, or confidential without the
 * clearance, does not exist here, and is left out of division totals.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { daysBetween, localDay, periodBounds } from '../../platform/local-time.ts';
import { canSee, type Principal } from '../access/index.ts';
import { divisionCode, divisionPrefix } from '../registry/index.ts';

const round3 = (n: number) => Math.round(n * 1000) / 1000;
const share = (used: number, limit: number | null) => (limit === null || limit <= 0 ? null : used / limit);

const evidenceRef = z
  .object({ table: z.literal('daily_accounts'), intakeId: z.string(), firstDay: z.iso.date(), lastDay: z.iso.date() })
  .describe("The daily_accounts rows this figure sums (GET the intake's days in that range to check it)");

const permitCondition = z.object({
  permitNumber: z.string(),
  validFrom: z.iso.date(),
  validTo: z.iso.date(),
  annualVolumeM3: z.number(),
  monthlyPlanM3: z.array(z.number()).nullable(),
  dailyLimitM3: z.number().nullable(),
});

export const intakeAccountsQuery = z
  .object({ year: z.coerce.number().int().min(2000).max(2100).describe('Calendar year (local time)') })
  .meta({ examples: [{ year: 2026 }] });

export const intakeAccounts = z.object({
  intake: z.object({ id: z.string(), code: z.string(), name: z.string(), countyCode: z.string() }),
  year: z.number().int(),
  permit: permitCondition.nullable().describe('The permit in force on the last day judged (today or the year end); null: none'),
  days: z.array(
    z.object({
      day: z.iso.date(),
      volumeM3: z.number().nullable().describe('null: a missing day (no data); 0: no withdrawal'),
      status: z.enum(['measured', 'zero', 'partial', 'missing']),
      completeness: z.number(),
      dailyLimitM3: z.number().nullable(),
      overDailyLimit: z.boolean().nullable(),
    }),
  ),
  months: z.array(
    z.object({
      month: z.string(),
      volumeM3: z.number(),
      planM3: z.number().nullable(),
      shareOfPlan: z.number().nullable(),
      accountedDays: z.number().int(),
      missingDays: z.number().int(),
      partialDays: z.number().int(),
      evidence: evidenceRef,
    }),
  ),
  total: z.object({
    volumeM3: z.number().describe('Sum of the daily volumes; with missing days a lower bound'),
    annualVolumeM3: z.number().nullable(),
    shareUsed: z.number().nullable().describe('volumeM3 / annualVolumeM3'),
    projectionM3: z.number().nullable().describe('Volume so far scaled to the whole year by the days elapsed (null before any day)'),
    projectedShare: z.number().nullable(),
    accountedDays: z.number().int(),
    missingDays: z.number().int(),
    partialDays: z.number().int(),
    completeness: z.number().nullable().describe('Reports received / expected over the accounted days'),
    evidence: evidenceRef,
  }),
});
export type IntakeAccounts = z.infer<typeof intakeAccounts>;

/** The intake's accounts for `year`; undefined when the principal may not see it. `now` fixes "today". */
export async function getIntakeAccounts(
  db: Db,
  p: Principal,
  intakeId: string,
  query: z.input<typeof intakeAccountsQuery>,
  o: { now?: Date } = {},
): Promise<IntakeAccounts | undefined> {
  const { year } = intakeAccountsQuery.parse(query);
  if (!/^[1-9][0-9]{0,18}$/.test(intakeId)) return undefined;
  const intake = await db
    .selectFrom('intakes')
    .select(['id', 'code', 'name', 'county_code', 'confidential'])
    .where('id', '=', intakeId)
    .executeTakeFirst();
  if (!intake || !canSee(p, { countyCode: intake.county_code, confidential: intake.confidential })) return undefined;
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  const today = localDay((o.now ?? new Date()).getTime());
  const judgedOn = today < last ? (today < first ? first : today) : last;
  const [rows, permits] = await Promise.all([
    db
      .selectFrom('daily_accounts')
      .select(['day', 'volume_m3', 'status', 'completeness', 'expected_reports'])
      .where('intake_id', '=', intakeId)
      .where('day', '>=', first)
      .where('day', '<=', last)
      .orderBy('day')
      .execute(),
    db
      .selectFrom('permits')
      .selectAll()
      .where('intake_id', '=', intakeId)
      .where('valid_from', '<=', last)
      .where('valid_to', '>=', first)
      .orderBy('valid_from')
      .execute(),
  ]);
  const inForce = (day: string) => [...permits].reverse().find((pm) => pm.status === 'valid' && pm.valid_from <= day && pm.valid_to >= day);
  const current = inForce(judgedOn) ?? permits.at(-1);
  const permit = current
    ? {
        permitNumber: current.permit_number,
        validFrom: current.valid_from,
        validTo: current.valid_to,
        annualVolumeM3: Number(current.annual_volume_m3),
        monthlyPlanM3: current.monthly_plan_m3?.map(Number) ?? null,
        dailyLimitM3: current.daily_limit_m3 === null ? null : Number(current.daily_limit_m3),
      }
    : null;
  const days = rows.map((r) => {
    const pm = inForce(r.day);
    const limit = pm?.daily_limit_m3 == null ? null : Number(pm.daily_limit_m3);
    const volume = r.volume_m3 === null ? null : Number(r.volume_m3);
    return {
      day: r.day,
      volumeM3: volume,
      status: r.status,
      completeness: Number(r.completeness),
      dailyLimitM3: limit,
      overDailyLimit: limit === null || volume === null ? null : volume > limit,
    };
  });
  const ref = (firstDay: string, lastDay: string) => ({ table: 'daily_accounts' as const, intakeId, firstDay, lastDay });
  const months = Array.from({ length: 12 }, (_, k) => {
    const month = `${year}-${String(k + 1).padStart(2, '0')}`;
    const ds = days.filter((d) => d.day.startsWith(month));
    const volume = round3(ds.reduce((s, d) => s + (d.volumeM3 ?? 0), 0));
    const plan = permit?.monthlyPlanM3?.[k] ?? null;
    const lastOfMonth = periodBounds(month)?.lastDay ?? `${month}-28`;
    return {
      month,
      volumeM3: volume,
      planM3: plan,
      shareOfPlan: share(volume, plan),
      accountedDays: ds.length,
      missingDays: ds.filter((d) => d.status === 'missing').length,
      partialDays: ds.filter((d) => d.status === 'partial').length,
      evidence: ref(`${month}-01`, lastOfMonth),
    };
  });
  const volume = round3(days.reduce((s, d) => s + (d.volumeM3 ?? 0), 0));
  const expected = rows.reduce((s, r) => s + Number(r.expected_reports), 0);
  const received = rows.reduce((s, r) => s + Number(r.expected_reports) * Number(r.completeness), 0);
  const elapsed = today < first ? 0 : daysBetween(first, judgedOn) + 1;
  const yearDays = daysBetween(first, last) + 1;
  const projection = elapsed > 0 && days.length > 0 ? round3((volume / elapsed) * yearDays) : null;
  const annual = permit?.annualVolumeM3 ?? null;
  return {
    intake: { id: intake.id, code: intake.code, name: intake.name, countyCode: intake.county_code },
    year,
    permit,
    days,
    months,
    total: {
      volumeM3: volume,
      annualVolumeM3: annual,
      shareUsed: share(volume, annual),
      projectionM3: projection,
      projectedShare: projection === null ? null : share(projection, annual),
      accountedDays: days.length,
      missingDays: days.filter((d) => d.status === 'missing').length,
      partialDays: days.filter((d) => d.status === 'partial').length,
      completeness: expected > 0 ? received / expected : null,
      evidence: ref(first, last),
    },
  };
}

// ---------------------------------------------------------------------------------- per division

export const divisionAccountsQuery = z
  .object({
    period: z
      .string()
      .regex(/^[0-9]{4}(-(0[1-9]|1[0-2]))?$/, 'expected YYYY or YYYY-MM')
      .describe('A year (YYYY) or a month (YYYY-MM), local time'),
    division: divisionCode.optional().describe("A division inside the caller's"),
  })
  .meta({ examples: [{ period: '2026-05', division: '220100' }] });

const divisionTotals = z.object({
  divisionCode: z.string(),
  name: z.string(),
  level: z.enum(['province', 'city', 'county']),
  parentCode: z.string().nullable(),
  intakes: z.number().int().describe('Intakes with at least one daily account in the period'),
  volumeM3: z.number(),
  permittedM3: z
    .number()
    .describe("Sum of the annual volumes of those intakes' permits in force at the period end (for a month: one twelfth)"),
  shareUsed: z.number().nullable(),
  accountedDays: z.number().int(),
  missingDays: z.number().int(),
  partialDays: z.number().int(),
});
export const divisionAccounts = z.object({
  period: z.string(),
  firstDay: z.iso.date(),
  lastDay: z.iso.date(),
  confidentialIncluded: z.boolean().describe('Confidential intakes are counted only for callers with the clearance'),
  divisions: z.array(divisionTotals).describe('The counties, then the cities, then the whole division asked for'),
});
export type DivisionAccounts = z.infer<typeof divisionAccounts>;

/** Totals of the period by county and city inside the principal's division (or `division` inside it). */
export async function getDivisionAccounts(db: Db, p: Principal, query: z.input<typeof divisionAccountsQuery>): Promise<DivisionAccounts> {
  const q = divisionAccountsQuery.parse(query);
  const bounds = periodBounds(q.period);
  if (!bounds) throw new RangeError(`not a period: ${q.period}`);
  const { firstDay, lastDay } = bounds;
  const isMonth = bounds.kind === 'month';
  const own = divisionPrefix(p.divisionCode);
  const asked = q.division ? divisionPrefix(q.division) : own;
  const prefix = asked.startsWith(own) ? asked : own.startsWith(asked) ? own : null;
  const top = q.division ?? p.divisionCode;
  const out = { period: q.period, firstDay, lastDay, confidentialIncluded: p.confidential };
  if (prefix === null) return { ...out, divisions: [] };
  const [{ rows }, divisions] = await Promise.all([
    sql<{
      county_code: string;
      intakes: string;
      volume: string | null;
      days: string;
      missing: string;
      partial: string;
      permitted: string | null;
    }>`
      select i.county_code, count(*) as intakes, sum(a.volume) as volume, sum(a.days) as days, sum(a.missing) as missing,
             sum(a.partial) as partial, sum(pm.annual_volume_m3) as permitted
      from (select intake_id, sum(volume_m3) as volume, count(*) as days, count(*) filter (where status = 'missing') as missing,
                   count(*) filter (where status = 'partial') as partial
            from daily_accounts where day between ${firstDay}::date and ${lastDay}::date group by intake_id) a
      join intakes i on i.id = a.intake_id
      left join lateral (select x.annual_volume_m3 from permits x where x.intake_id = i.id and x.status = 'valid'
                         and ${lastDay}::date between x.valid_from and x.valid_to order by x.valid_from desc limit 1) pm on true
      where i.county_code like ${`${prefix}%`} ${p.confidential ? sql`` : sql`and not i.confidential`}
      group by i.county_code`.execute(db),
    db.selectFrom('divisions').select(['code', 'name', 'level', 'parent_code']).execute(),
  ]);
  const byCode = new Map(divisions.map((d) => [d.code, d]));
  const totals = new Map<string, z.infer<typeof divisionTotals>>();
  const add = (code: string, r: (typeof rows)[number]) => {
    const d = byCode.get(code);
    if (!d) return;
    let t = totals.get(code);
    if (!t) {
      t = {
        divisionCode: code,
        name: d.name,
        level: d.level,
        parentCode: d.parent_code,
        intakes: 0,
        volumeM3: 0,
        permittedM3: 0,
        shareUsed: null,
        accountedDays: 0,
        missingDays: 0,
        partialDays: 0,
      };
      totals.set(code, t);
    }
    t.intakes += Number(r.intakes);
    t.volumeM3 += Number(r.volume ?? 0);
    t.permittedM3 += Number(r.permitted ?? 0) / (isMonth ? 12 : 1);
    t.accountedDays += Number(r.days);
    t.missingDays += Number(r.missing);
    t.partialDays += Number(r.partial);
  };
  for (const r of rows) {
    // The county, its city, up to the division asked for: each gets the county's figures added.
    for (let code: string | null | undefined = r.county_code; code; code = byCode.get(code)?.parent_code) {
      add(code, r);
      if (code === top) break;
    }
  }
  const rank = { county: 0, city: 1, province: 2 } as const;
  const list = [...totals.values()]
    .map((t) => ({ ...t, volumeM3: round3(t.volumeM3), permittedM3: round3(t.permittedM3), shareUsed: share(t.volumeM3, t.permittedM3) }))
    .sort((a, b) => rank[a.level] - rank[b.level] || a.divisionCode.localeCompare(b.divisionCode));
  return { ...out, divisions: list };
}
