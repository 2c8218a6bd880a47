/**
 * Registry rows (snake_case, numeric as string) to the records of schemas.ts: one mapping per
 * record, used by the API and the monitor alike.
 */
import type { IntakeRow, MeterRow, PermitRow } from '../../platform/db/schema.ts';
import { type Intake, type Meter, type Permit } from './schemas.ts';
import { intakeKind, issuingLevel, meterType, sourceType, waterUse } from './vocabulary.ts';

/** numeric columns arrive as strings; null stays null. */
export function toNumber(value: string): number;
export function toNumber(value: string | null): number | null;
export function toNumber(value: string | null): number | null {
  return value === null ? null : Number(value);
}

export function toIso(value: Date): string {
  return value.toISOString();
}

export function intakeFromRow(row: IntakeRow): Intake {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    countyCode: row.county_code,
    unitId: row.unit_id,
    longitude: toNumber(row.longitude),
    latitude: toNumber(row.latitude),
    sourceType: sourceType.schema.parse(row.source_type),
    nonConventionalKind: row.non_conventional_kind as Intake['nonConventionalKind'],
    sourceName: row.source_name,
    waterUse: waterUse.schema.parse(row.water_use),
    intakeKind: intakeKind.schema.parse(row.intake_kind),
    wellDiameterMm: row.well_diameter_mm,
    bundledSmallIrrigation: row.bundled_small_irrigation,
    confidential: row.confidential,
    permitExempt: row.permit_exempt,
    status: row.status,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

/** PostgreSQL `time` comes back as HH:MM:SS; the API speaks HH:MM. */
const hhmm = (t: string | null) => (t === null ? null : t.slice(0, 5));

export function permitFromRow(row: PermitRow): Permit {
  return {
    id: row.id,
    permitNumber: row.permit_number,
    intakeId: row.intake_id,
    issuingLevel: issuingLevel.schema.parse(row.issuing_level),
    validFrom: row.valid_from,
    validTo: row.valid_to,
    annualVolumeM3: toNumber(row.annual_volume_m3),
    monthlyPlanM3: row.monthly_plan_m3?.map(Number) ?? null,
    dailyLimitM3: toNumber(row.daily_limit_m3),
    maxRateM3h: toNumber(row.max_rate_m3h),
    seasonStart: row.season_start,
    seasonEnd: row.season_end,
    hoursStart: hhmm(row.hours_start),
    hoursEnd: hhmm(row.hours_end),
    status: row.status,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export function meterFromRow(row: MeterRow): Meter {
  return {
    id: row.id,
    meterId: row.meter_id,
    intakeId: row.intake_id,
    meterType: meterType.schema.parse(row.meter_type),
    readingMode: row.reading_mode,
    accuracyClass: toNumber(row.accuracy_class),
    diameterMm: row.diameter_mm,
    registerMaxM3: toNumber(row.register_max_m3),
    reportingIntervalS: row.reporting_interval_s,
    installedOn: row.installed_on,
    lastCalibratedOn: row.last_calibrated_on,
    calibrationIntervalMonths: row.calibration_interval_months,
    status: row.status,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}
