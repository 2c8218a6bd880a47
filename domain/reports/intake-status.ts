/**
 * Each intake's standing for the campaign's tables and the map: its permit status, its metering
 * status and its open ledger items, on a given local date. Scoped to a principal: intakes outside
 * its division, and confidential ones without the clearance, are left out.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { localDay } from '../../platform/local-time.ts';
import type { Principal } from '../access/index.ts';
import { scopePrefix, TERMINAL_LIST } from '../ledger/index.ts';

export const PERMIT_STATUSES = ['valid', 'exempt', 'lapsed', 'none'] as const;
/** valid: a valid permit covers the date; exempt: registered as exempt; lapsed: permits, none in force; none: never a permit. */
export const intakePermitStatus = z.enum(PERMIT_STATUSES).describe('valid, exempt, lapsed (permits recorded, none in force) or none');
export type IntakePermitStatus = z.infer<typeof intakePermitStatus>;
export const PERMIT_STATUS_ZH: Record<IntakePermitStatus, string> = {
  valid: '已发证',
  exempt: '免于许可',
  lapsed: '许可失效',
  none: '未发证',
};

export const METERING_STATUSES = ['online', 'manual', 'none'] as const;
/** online: an active online meter; manual: active meters, none online; none: no active meter. */
export const intakeMeteringStatus = z
  .enum(METERING_STATUSES)
  .describe('online (an active online meter), manual (meters read by hand only) or none');
export type IntakeMeteringStatus = z.infer<typeof intakeMeteringStatus>;
export const METERING_STATUS_ZH: Record<IntakeMeteringStatus, string> = { online: '在线计量', manual: '人工计量', none: '未计量' };

export interface IntakeStanding {
  id: string;
  code: string;
  name: string;
  countyCode: string;
  longitude: number;
  latitude: number;
  sourceType: string;
  waterUse: string;
  intakeKind: string;
  status: string;
  confidential: boolean;
  permitStatus: IntakePermitStatus;
  permitNumber: string | null;
  meteringStatus: IntakeMeteringStatus;
  openItems: number;
  overdueItems: number;
}

export interface StandingOptions {
  /** The local date permits are judged on (default today, Asia/Shanghai). */
  asOf?: string;
  /** A division inside the principal's (narrows the scope). */
  division?: string;
  /** [west, south, east, north] in WGS 84 degrees. */
  bbox?: readonly [number, number, number, number];
  /** Include retired intakes (default: no). */
  includeRetired?: boolean;
}

/** The standing of every intake the principal may see (by code). */
export async function intakeStandings(db: Db, p: Principal, o: StandingOptions = {}): Promise<IntakeStanding[]> {
  const prefix = scopePrefix(p, o.division);
  if (prefix === null) return [];
  const asOf = o.asOf ?? localDay(Date.now());
  const bbox = o.bbox;
  const { rows } = await sql<{
    id: string;
    code: string;
    name: string;
    county_code: string;
    longitude: string;
    latitude: string;
    source_type: string;
    water_use: string;
    intake_kind: string;
    status: string;
    confidential: boolean;
    permit_exempt: boolean;
    permit_number: string | null;
    any_permit: boolean;
    online: boolean;
    metered: boolean;
    open_items: string;
    overdue_items: string;
  }>`
    select i.id, i.code, i.name, i.county_code, i.longitude, i.latitude, i.source_type, i.water_use, i.intake_kind,
           i.status, i.confidential, i.permit_exempt, pm.permit_number,
           exists (select 1 from permits x where x.intake_id = i.id) as any_permit,
           exists (select 1 from meters m where m.intake_id = i.id and m.status = 'active' and m.reading_mode = 'online') as online,
           exists (select 1 from meters m where m.intake_id = i.id and m.status = 'active') as metered,
           coalesce(li.open_items, 0) as open_items, coalesce(li.overdue_items, 0) as overdue_items
    from intakes i
    left join lateral (
      select x.permit_number from permits x
      where x.intake_id = i.id and x.status = 'valid' and ${asOf}::date between x.valid_from and x.valid_to
      order by x.valid_from desc limit 1
    ) pm on true
    left join lateral (
      select count(*) as open_items,
             count(*) filter (where l.deadline < ${asOf}::date and l.status in ('confirmed', 'rectifying')) as overdue_items
      from ledger_items l where l.intake_id = i.id and l.kind = 'item' and l.status not in (${TERMINAL_LIST})
    ) li on true
    where i.county_code like ${`${prefix}%`}
      ${p.confidential ? sql`` : sql`and not i.confidential`}
      ${o.includeRetired ? sql`` : sql`and i.status <> 'retired'`}
      ${bbox ? sql`and i.longitude between ${bbox[0]} and ${bbox[2]} and i.latitude between ${bbox[1]} and ${bbox[3]}` : sql``}
    order by i.code`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    countyCode: r.county_code,
    longitude: Number(r.longitude),
    latitude: Number(r.latitude),
    sourceType: r.source_type,
    waterUse: r.water_use,
    intakeKind: r.intake_kind,
    status: r.status,
    confidential: r.confidential,
    permitStatus: r.permit_number !== null ? 'valid' : r.permit_exempt ? 'exempt' : r.any_permit ? 'lapsed' : 'none',
    permitNumber: r.permit_number,
    meteringStatus: r.online ? 'online' : r.metered ? 'manual' : 'none',
    openItems: Number(r.open_items),
    overdueItems: Number(r.overdue_items),
  }));
}
