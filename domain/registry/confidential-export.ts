/**
 * The classified submission (brief, section 1): the confidential intakes (international boundary
 * rivers, specially managed areas) in the registration form's own layout, one row per intake with
 * its unit and latest permit, for a cleared province user to deliver on disc through the
 * confidential channel. Values are the form's Chinese labels, so the file reads like the form.
 */
import type { Db } from '../../platform/db/database.ts';
import { COLUMNS, type ColumnKey } from './import/columns.ts';
import { intakeKind, issuingLevel, nonConventionalKind, sourceType, unitKind, waterUse } from './vocabulary.ts';

export type FormRow = Record<ColumnKey, string | number | null>;

const label = (labels: Record<string, string>, value: string | null): string | null => (value === null ? null : (labels[value] ?? value));
const yesNo = (v: boolean) => (v ? '是' : '否');
const num = (v: string | null) => (v === null ? null : Number(v));

export const FORM_HEADERS: readonly { key: ColumnKey; header: string }[] = COLUMNS.map((c) => ({ key: c.key, header: c.header }));

export async function confidentialRegistrationRows(db: Db): Promise<FormRow[]> {
  const rows = await db
    .selectFrom('intakes as i')
    .innerJoin('withdrawal_units as u', 'u.id', 'i.unit_id')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('permits as p')
          .select(['p.permit_number', 'p.issuing_level', 'p.valid_from', 'p.valid_to', 'p.annual_volume_m3'])
          .whereRef('p.intake_id', '=', 'i.id')
          .orderBy('p.valid_to', 'desc')
          .limit(1)
          .as('p'),
      (join) => join.onTrue(),
    )
    .select([
      'i.code',
      'i.name',
      'i.county_code',
      'i.longitude',
      'i.latitude',
      'i.source_type',
      'i.non_conventional_kind',
      'i.source_name',
      'i.water_use',
      'i.intake_kind',
      'i.well_diameter_mm',
      'i.bundled_small_irrigation',
      'i.confidential',
      'i.permit_exempt',
      'u.name as unit_name',
      'u.kind as unit_kind',
      'u.credit_code',
      'u.contact_person',
      'u.contact_phone',
      'p.permit_number',
      'p.issuing_level',
      'p.valid_from',
      'p.valid_to',
      'p.annual_volume_m3',
    ])
    .where('i.confidential', '=', true)
    .orderBy('i.county_code')
    .orderBy('i.code')
    .execute();
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    countyCode: r.county_code,
    unitName: r.unit_name,
    unitKind: label(unitKind.labels, r.unit_kind),
    creditCode: r.credit_code,
    contactPerson: r.contact_person,
    contactPhone: r.contact_phone,
    longitude: num(r.longitude),
    latitude: num(r.latitude),
    sourceType: label(sourceType.labels, r.source_type),
    nonConventionalKind: label(nonConventionalKind.labels, r.non_conventional_kind),
    sourceName: r.source_name,
    waterUse: label(waterUse.labels, r.water_use),
    intakeKind: label(intakeKind.labels, r.intake_kind),
    wellDiameterMm: r.well_diameter_mm,
    bundledSmallIrrigation: yesNo(r.bundled_small_irrigation),
    confidential: yesNo(r.confidential),
    permitExempt: yesNo(r.permit_exempt),
    permitNumber: r.permit_number,
    issuingLevel: label(issuingLevel.labels, r.issuing_level),
    validFrom: r.valid_from,
    validTo: r.valid_to,
    annualVolumeM3: num(r.annual_volume_m3),
  }));
}
