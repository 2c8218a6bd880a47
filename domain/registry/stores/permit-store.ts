/** Withdrawal permits (取水许可证): validity, permitted volumes and rate, season and hours. */
import { z } from 'zod';
import type { Db } from '../../../platform/db/database.ts';
import { divisionPrefix } from '../divisions.ts';
import { divisionCode, type Permit, type PermitInput, recordId } from '../schemas.ts';
import { permitStatus } from '../vocabulary.ts';
import { permitFromRow } from '../rows.ts';
import { type RegistryStore, tableStore } from './table-store.ts';

export const permitFilter = z.object({
  intakeId: recordId.optional(),
  divisionCode: divisionCode.optional().describe('Permits of intakes inside this division'),
  status: permitStatus.schema.optional(),
  validOn: z.iso.date().optional().describe('Permits whose validity covers this date'),
  expiringBefore: z.iso.date().optional().describe('Permits whose validity ends before this date'),
});
export type PermitFilter = z.infer<typeof permitFilter>;

export function permitToRow(input: PermitInput) {
  return {
    permit_number: input.permitNumber,
    intake_id: input.intakeId,
    issuing_level: input.issuingLevel,
    valid_from: input.validFrom,
    valid_to: input.validTo,
    annual_volume_m3: input.annualVolumeM3,
    monthly_plan_m3: input.monthlyPlanM3,
    daily_limit_m3: input.dailyLimitM3,
    max_rate_m3h: input.maxRateM3h,
    season_start: input.seasonStart,
    season_end: input.seasonEnd,
    hours_start: input.hoursStart,
    hours_end: input.hoursEnd,
    status: input.status,
  };
}

export function permitStore(db: Db): RegistryStore<PermitInput, Permit, PermitFilter> {
  return tableStore(db, {
    kind: 'permit',
    table: 'permits',
    placement: { by: 'intake' },
    retiredStatus: 'revoked',
    from: (d) => d.selectFrom('permits').selectAll(),
    filter(q, f) {
      if (f.intakeId) q = q.where('intake_id', '=', f.intakeId);
      if (f.divisionCode) {
        const prefix = `${divisionPrefix(f.divisionCode)}%`;
        q = q.where('intake_id', 'in', db.selectFrom('intakes').select('id').where('county_code', 'like', prefix));
      }
      if (f.status) q = q.where('status', '=', f.status);
      if (f.validOn) q = q.where('valid_from', '<=', f.validOn).where('valid_to', '>=', f.validOn);
      if (f.expiringBefore) q = q.where('valid_to', '<', f.expiringBefore);
      return q;
    },
    fromRow: permitFromRow,
    toRow: permitToRow,
    placeOf: (p) => ({ intakeId: p.intakeId }),
  });
}
