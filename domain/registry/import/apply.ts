/**
 * Writes a checked import in one transaction, attributed to the actor (withActor: every row lands in
 * registry_changes with that actor). All or nothing: a database refusal, e.g. an intake code
 * registered by someone else since the checks ran, rolls everything back and comes back as a
 * rejection naming the row, never as a raw exception.
 */
import pg from 'pg';
import { withActor, type Db, type DbTransaction } from '../../../platform/db/database.ts';
import type { UnitInput } from '../schemas.ts';
import type { ColumnLayout } from './columns.ts';
import type { ImportError, RecordCounts } from './types.ts';
import { unitKeyOf } from './unit-matching.ts';
import type { IntakeDraft, PermitDraft } from './validate.ts';

export interface PlannedIntake {
  row: number;
  unitKey: string;
  intake: IntakeDraft;
  permit: PermitDraft | null;
}

/** Everything a clean file creates; built by import-registry.ts from the checked rows. */
export interface ImportPlan {
  /** Units not yet registered, one per unit key. */
  newUnits: { key: string; unit: UnitInput }[];
  /** Unit key -> registered unit id, for units the file's intakes attach to. */
  registeredUnitIds: ReadonlyMap<string, string>;
  intakes: PlannedIntake[];
  /** To name the file's columns in a rejection. */
  layout: ColumnLayout;
}

export type ApplyOutcome = { ok: true; created: RecordCounts } | { ok: false; errors: ImportError[] };

// Rows per INSERT: PostgreSQL allows 65535 bind parameters per statement; intakes use 15 per row.
const CHUNK = 1000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export async function applyImportPlan(db: Db, plan: ImportPlan, actor: string): Promise<ApplyOutcome> {
  try {
    const created = await withActor(db, actor, (trx) => insertPlan(trx, plan));
    return { ok: true, created };
  } catch (err) {
    if (err instanceof pg.DatabaseError) return { ok: false, errors: [describeRefusal(err, plan)] };
    throw err;
  }
}

async function insertPlan(trx: DbTransaction, plan: ImportPlan): Promise<RecordCounts> {
  const unitIds = new Map(plan.registeredUnitIds);
  for (const chunk of chunks(plan.newUnits)) {
    const inserted = await trx
      .insertInto('withdrawal_units')
      .values(
        chunk.map(({ unit }) => ({
          name: unit.name,
          kind: unit.kind,
          credit_code: unit.creditCode,
          county_code: unit.countyCode,
          contact_person: unit.contactPerson,
          contact_phone: unit.contactPhone,
          status: unit.status,
        })),
      )
      .returning(['id', 'name', 'credit_code', 'county_code'])
      .execute();
    // Matched by identity rather than by position: PostgreSQL does not promise RETURNING's order.
    for (const u of inserted) {
      unitIds.set(unitKeyOf({ name: u.name, creditCode: u.credit_code, countyCode: u.county_code }), u.id);
    }
  }

  const intakeIds = new Map<string, string>();
  for (const chunk of chunks(plan.intakes)) {
    const inserted = await trx
      .insertInto('intakes')
      .values(
        chunk.map(({ unitKey, intake }) => {
          const unitId = unitIds.get(unitKey);
          if (unitId === undefined) throw new Error(`no unit id for ${unitKey}`);
          return {
            code: intake.code,
            name: intake.name,
            county_code: intake.countyCode,
            unit_id: unitId,
            longitude: intake.longitude,
            latitude: intake.latitude,
            source_type: intake.sourceType,
            non_conventional_kind: intake.nonConventionalKind,
            source_name: intake.sourceName,
            water_use: intake.waterUse,
            intake_kind: intake.intakeKind,
            well_diameter_mm: intake.wellDiameterMm,
            bundled_small_irrigation: intake.bundledSmallIrrigation,
            confidential: intake.confidential,
            permit_exempt: intake.permitExempt,
            status: intake.status,
          };
        }),
      )
      .returning(['id', 'code'])
      .execute();
    for (const i of inserted) intakeIds.set(i.code, i.id);
  }

  const permits = plan.intakes.flatMap(({ intake, permit }) => {
    const intakeId = intakeIds.get(intake.code);
    if (permit === null) return [];
    if (intakeId === undefined) throw new Error(`no intake id for ${intake.code}`);
    return [{ intakeId, permit }];
  });
  for (const chunk of chunks(permits)) {
    await trx
      .insertInto('permits')
      .values(
        chunk.map(({ intakeId, permit }) => ({
          permit_number: permit.permitNumber,
          intake_id: intakeId,
          issuing_level: permit.issuingLevel,
          valid_from: permit.validFrom,
          valid_to: permit.validTo,
          annual_volume_m3: permit.annualVolumeM3,
          monthly_plan_m3: permit.monthlyPlanM3,
          daily_limit_m3: permit.dailyLimitM3,
          max_rate_m3h: permit.maxRateM3h,
          season_start: permit.seasonStart,
          season_end: permit.seasonEnd,
          hours_start: permit.hoursStart,
          hours_end: permit.hoursEnd,
          status: permit.status,
        })),
      )
      .execute();
  }
  return { units: plan.newUnits.length, intakes: plan.intakes.length, permits: permits.length };
}

// "Key (code)=(QS-1) already exists." -> "QS-1"
const KEY_VALUE = /^Key \([^)]*\)=\((.*)\) already exists\.?$/;

/** Names the row and column behind a unique violation where it can; otherwise the whole file. */
function describeRefusal(err: pg.DatabaseError, plan: ImportPlan): ImportError {
  const value = KEY_VALUE.exec(err.detail ?? '')?.[1];
  const concurrent = 'registered by another change while the import ran; nothing was imported';
  if (err.code === '23505' && value !== undefined) {
    if (err.constraint === 'intakes_code_key') {
      const row = plan.intakes.find((i) => i.intake.code === value)?.row ?? null;
      return { row, column: plan.layout.headerOf('code'), reason: `duplicate: intake code ${value} was ${concurrent}` };
    }
    if (err.constraint === 'permits_permit_number_key') {
      const row = plan.intakes.find((i) => i.permit?.permitNumber === value)?.row ?? null;
      const reason = `duplicate: permit number ${value} was ${concurrent}`;
      return { row, column: plan.layout.headerOf('permitNumber'), reason };
    }
    if (err.constraint === 'withdrawal_units_credit_code_key') {
      const row = plan.intakes.find((i) => i.unitKey === `credit:${value}`)?.row ?? null;
      const reason = `duplicate: a unit with credit code ${value} was ${concurrent}`;
      return { row, column: plan.layout.headerOf('creditCode'), reason };
    }
  }
  return { row: null, column: null, reason: `the database refused the import (${err.message}); nothing was imported` };
}
