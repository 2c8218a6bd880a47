/**
 * The registry's records as they cross the API and import boundaries: one zod schema per record is
 * the single source of its TypeScript type. Field rules mirror the database constraints so that a
 * bad record is refused with a clear field-level message before PostgreSQL would refuse it.
 */
import { z } from 'zod';
import { isValidCreditCode } from './credit-code.ts';
import {
  divisionLevel,
  intakeKind,
  issuingLevel,
  METER_ID_PATTERN,
  meterStatus,
  meterType,
  nonConventionalKind,
  OUT_OF_SCOPE_WELL_DIAMETER_MM,
  permitStatus,
  readingMode,
  registryStatus,
  sourceType,
  unitKind,
  waterUse,
} from './vocabulary.ts';

export const divisionCode = z.string().regex(/^[1-9][0-9]{5}$/, 'expected a 6-digit administrative division code');
const MAX_BIGINT = 9223372036854775807n;
/**
 * Database ids are bigint; the API carries them as decimal strings. Past bigint's range no record
 * can exist, so such an id is refused here (400) instead of failing in PostgreSQL (22003).
 */
export const recordId = z
  .string()
  .regex(/^[1-9][0-9]{0,18}$/, 'expected a positive integer id')
  .refine((id) => !/^[0-9]{1,19}$/.test(id) || BigInt(id) <= MAX_BIGINT, 'expected an id of at most 9223372036854775807')
  .describe('Record id: a positive integer (PostgreSQL bigint) as a decimal string');
const isoDate = z.iso.date();
const monthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, 'expected MM-DD');
const timeOfDay = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$/, 'expected HH:MM');
const nonEmpty = z.string().trim().min(1, 'must not be empty');
/**
 * A number as a PostgreSQL numeric(precision, scale) column holds it: below 10^(precision-scale) and
 * with at most `scale` decimal places. A value the column would round or refuse is refused here with
 * a field-level 400, so what is stored is exactly what was sent (a regulator reads permits and meter
 * readings as written). zod's multipleOf tolerates float error (5e-324 passes multipleOf(0.1)), so
 * the decimal places are checked by printing; multipleOf is published in the schema for clients.
 */
export function decimal(precision: number, scale: number) {
  const max = Number((10 ** (precision - scale) - 10 ** -scale).toFixed(scale));
  return z
    .number()
    .max(max)
    .refine(
      (v) => Number(v.toFixed(scale)) === v,
      scale === 0 ? 'expected a whole number' : `at most ${scale} decimal place${scale === 1 ? '' : 's'}`,
    )
    .meta({ multipleOf: 10 ** -scale });
}
/** Permit volumes: numeric(14, 2). */
const volume = decimal(14, 2).positive();
const timestamps = { createdAt: z.iso.datetime({ offset: true }), updatedAt: z.iso.datetime({ offset: true }) };

export const division = z.object({
  code: divisionCode,
  name: z.string(),
  level: divisionLevel.schema,
  parentCode: divisionCode.nullable(),
});
export type Division = z.infer<typeof division>;

export const unitInput = z
  .object({
    name: nonEmpty.max(200),
    kind: unitKind.schema,
    creditCode: z
      .string()
      .trim()
      .toUpperCase()
      .refine(isValidCreditCode, 'not a valid unified social credit code (18 characters, GB 32100 check character)')
      .nullable()
      .default(null),
    countyCode: divisionCode,
    contactPerson: z.string().trim().max(100).nullable().default(null),
    contactPhone: z.string().trim().max(40).nullable().default(null),
    status: registryStatus.schema.default('active'),
  })
  .refine((u) => u.kind === 'person' || u.creditCode !== null, {
    path: ['creditCode'],
    error: 'required for an organisation',
  });
export type UnitInput = z.infer<typeof unitInput>;
export const unit = z.object({ id: recordId, ...unitInput.shape, ...timestamps });
export type Unit = z.infer<typeof unit>;

const intakeFields = z.object({
  code: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'expected 1-32 letters, digits, _ or -'),
  name: nonEmpty.max(200),
  countyCode: divisionCode,
  unitId: recordId,
  longitude: decimal(9, 6).min(73).max(136).describe('WGS 84 decimal degrees, at most 6 decimal places (about 0.1 m)'),
  latitude: decimal(8, 6).min(3).max(54).describe('WGS 84 decimal degrees, at most 6 decimal places (about 0.1 m)'),
  sourceType: sourceType.schema,
  nonConventionalKind: nonConventionalKind.schema.nullable().default(null),
  sourceName: z.string().trim().max(200).nullable().default(null),
  waterUse: waterUse.schema,
  intakeKind: intakeKind.schema,
  wellDiameterMm: z.number().int().positive().max(5000).nullable().default(null),
  bundledSmallIrrigation: z.boolean().default(false),
  confidential: z.boolean().default(false),
  permitExempt: z.boolean().default(false),
  status: registryStatus.schema.default('active'),
});

type IntakeFields = z.infer<typeof intakeFields>;

/** Cross-field rules of an intake; the same rules are CHECK constraints in the database. */
export function intakeProblems(i: IntakeFields): { path: keyof IntakeFields; message: string }[] {
  const problems: { path: keyof IntakeFields; message: string }[] = [];
  if ((i.sourceType === 'non_conventional') !== (i.nonConventionalKind !== null)) {
    problems.push({ path: 'nonConventionalKind', message: 'required exactly when sourceType is non_conventional' });
  }
  if ((i.intakeKind === 'well') !== (i.wellDiameterMm !== null)) {
    problems.push({ path: 'wellDiameterMm', message: 'required exactly when intakeKind is well' });
  }
  if (i.bundledSmallIrrigation && i.waterUse !== 'agricultural') {
    problems.push({ path: 'bundledSmallIrrigation', message: 'only agricultural intakes may be registered in a bundle' });
  }
  if (isOutOfScopeWell(i)) {
    problems.push({
      path: 'wellDiameterMm',
      message: `irrigation wells under ${OUT_OF_SCOPE_WELL_DIAMETER_MM} mm pipe diameter are out of scope`,
    });
  }
  return problems;
}

export function isOutOfScopeWell(i: Pick<IntakeFields, 'intakeKind' | 'waterUse' | 'wellDiameterMm'>): boolean {
  return (
    i.intakeKind === 'well' &&
    i.waterUse === 'agricultural' &&
    i.wellDiameterMm !== null &&
    i.wellDiameterMm < OUT_OF_SCOPE_WELL_DIAMETER_MM
  );
}

export const intakeInput = intakeFields.superRefine((i, ctx) => {
  for (const p of intakeProblems(i)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
});
export type IntakeInput = z.infer<typeof intakeInput>;
export const intake = z.object({ id: recordId, ...intakeFields.shape, ...timestamps });
export type Intake = z.infer<typeof intake>;

const permitFields = z.object({
  permitNumber: nonEmpty.max(64),
  intakeId: recordId,
  issuingLevel: issuingLevel.schema,
  validFrom: isoDate,
  validTo: isoDate,
  annualVolumeM3: volume,
  monthlyPlanM3: z.array(decimal(14, 2).min(0)).length(12).nullable().default(null),
  dailyLimitM3: volume.nullable().default(null),
  maxRateM3h: decimal(12, 3).positive().max(1e7).nullable().default(null),
  seasonStart: monthDay.nullable().default(null),
  seasonEnd: monthDay.nullable().default(null),
  hoursStart: timeOfDay.nullable().default(null),
  hoursEnd: timeOfDay.nullable().default(null),
  status: permitStatus.schema.default('valid'),
});
export const permitInput = permitFields.superRefine((p, ctx) => {
  if (p.validTo < p.validFrom) ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'must not be before validFrom' });
  if ((p.seasonStart === null) !== (p.seasonEnd === null)) {
    ctx.addIssue({ code: 'custom', path: ['seasonEnd'], message: 'seasonStart and seasonEnd go together' });
  }
  if ((p.hoursStart === null) !== (p.hoursEnd === null)) {
    ctx.addIssue({ code: 'custom', path: ['hoursEnd'], message: 'hoursStart and hoursEnd go together' });
  }
});
export type PermitInput = z.infer<typeof permitInput>;
export const permit = z.object({ id: recordId, ...permitFields.shape, ...timestamps });
export type Permit = z.infer<typeof permit>;

const meterFields = z.object({
  meterId: z.string().regex(METER_ID_PATTERN, 'expected 1-64 letters, digits, _ or - (the id used in MQTT topics)'),
  intakeId: recordId,
  meterType: meterType.schema,
  readingMode: readingMode.schema,
  accuracyClass: decimal(3, 1).positive().max(10).nullable().default(null),
  diameterMm: z.number().int().positive().max(5000).nullable().default(null),
  registerMaxM3: decimal(16, 3).positive().nullable().default(null),
  reportingIntervalS: z.number().int().min(1).max(86400).default(900),
  installedOn: isoDate,
  lastCalibratedOn: isoDate.nullable().default(null),
  calibrationIntervalMonths: z.number().int().min(1).max(240).nullable().default(null),
  status: meterStatus.schema.default('active'),
});
export const meterInput = meterFields;
export type MeterInput = z.infer<typeof meterInput>;
export const meter = z.object({ id: recordId, ...meterFields.shape, ...timestamps });
export type Meter = z.infer<typeof meter>;

export const meterReplacementInput = z.object({
  newMeter: meterFields.omit({ intakeId: true, status: true }),
  replacedAt: z.iso.datetime({ offset: true }),
  oldFinalTotalM3: decimal(16, 3).min(0),
  newInitialTotalM3: decimal(16, 3).min(0).default(0),
  note: z.string().max(1000).nullable().default(null),
});
export type MeterReplacementInput = z.infer<typeof meterReplacementInput>;

export const registryChange = z.object({
  id: recordId,
  tableName: z.string(),
  rowId: z.string(),
  action: z.enum(['insert', 'update', 'delete']),
  actor: z.string(),
  changedAt: z.iso.datetime({ offset: true }),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
});
export type RegistryChange = z.infer<typeof registryChange>;
