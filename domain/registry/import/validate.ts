/**
 * Checks each data row on its own (no database, no other rows): cells read by their column type,
 * then the registry's zod schemas (unitInput, intakeInput, permitInput), whose issue paths are
 * mapped back to the file's columns. Every problem of every row is reported.
 */
import type { z } from 'zod';
import { intakeInput, isOutOfScopeWell, permitInput, unitInput, type IntakeInput, type PermitInput, type UnitInput } from '../schemas.ts';
import {
  intakeKind,
  issuingLevel,
  nonConventionalKind,
  OUT_OF_SCOPE_WELL_DIAMETER_MM,
  sourceType,
  unitKind,
  waterUse,
} from '../vocabulary.ts';
import { isEmptyCell } from './cells.ts';
import { columnLetter, columnSpec, isColumnKey, PERMIT_COLUMNS, type ColumnKey, type ColumnLayout } from './columns.ts';
import type { ParsedSheet, SheetRow } from './parse.ts';
import { RowReader, type Read } from './row-reader.ts';
import type { ImportError, OutOfScopeRow } from './types.ts';
import { unitKeyOf } from './unit-matching.ts';

/** An intake as the file describes it, before its unit has a database id. */
export type IntakeDraft = Omit<IntakeInput, 'unitId'>;
/** A permit as the file describes it, before its intake has a database id. */
export type PermitDraft = Omit<PermitInput, 'intakeId'>;

export interface Position {
  longitude: number;
  latitude: number;
}

/**
 * One data row after its own checks. intake and permit are null when the row has any error; unit
 * is the row's unit when its own cells are right, so unit checks still cover an otherwise bad row.
 */
export interface CheckedRow {
  row: number;
  valid: boolean;
  unit: UnitInput | null;
  intake: IntakeDraft | null;
  permit: PermitDraft | null;
  /**
   * Best-effort identities, known even when some other cell of the row is wrong, so cross-row and
   * registry checks still report on this row (validate every row fully).
   */
  unitKey: string | null;
  code: string | null;
  permitNumber: string | null;
  countyCode: string | null;
  position: Position | null;
}

export interface RowCheck {
  rows: CheckedRow[];
  errors: ImportError[];
  outOfScope: OutOfScopeRow[];
}

// Which file column each schema field comes from. The unit's county is the row's county.
const UNIT_COLUMNS: Record<string, ColumnKey> = {
  name: 'unitName',
  kind: 'unitKind',
  creditCode: 'creditCode',
  countyCode: 'countyCode',
  contactPerson: 'contactPerson',
  contactPhone: 'contactPhone',
};

// A placeholder id: the schemas need one, the real id is assigned when the import is written.
const PENDING_ID = '1';

export function checkRows(sheet: ParsedSheet, layout: ColumnLayout): RowCheck {
  const rows: CheckedRow[] = [];
  const errors: ImportError[] = [];
  const outOfScope: OutOfScopeRow[] = [];
  for (const sheetRow of sheet.rows) {
    const scope = outOfScopeReason(new RowReader(sheetRow, layout));
    if (scope !== null) {
      // Out of the campaign's scope: set aside whole, not imported and not an error.
      const code = new RowReader(sheetRow, layout).text('code');
      outOfScope.push({ row: sheetRow.row, code: code ?? '', reason: scope });
      continue;
    }
    const reader = new RowReader(sheetRow, layout);
    const checked = checkRow(reader, sheetRow, sheet.headers.length, layout);
    rows.push(checked);
    errors.push(...reader.errors);
  }
  return { rows, errors, outOfScope };
}

/** Plan scope rule: agricultural wells under 200 mm pipe diameter (isOutOfScopeWell). */
function outOfScopeReason(reader: RowReader): string | null {
  // The reader is thrown away: a cell error here is reported once, by the full check of the row.
  const kind = reader.vocabulary('intakeKind', intakeKind);
  const use = reader.vocabulary('waterUse', waterUse);
  const diameter = reader.integer('wellDiameterMm');
  if (!kind || !use || diameter === null || diameter === undefined) return null;
  if (!isOutOfScopeWell({ intakeKind: kind, waterUse: use, wellDiameterMm: diameter })) return null;
  return (
    `agricultural well with a pipe diameter of ${diameter} mm, under ${OUT_OF_SCOPE_WELL_DIAMETER_MM} mm: ` +
    "out of the campaign's scope, not registered"
  );
}

function checkRow(reader: RowReader, sheetRow: SheetRow, headerCount: number, layout: ColumnLayout): CheckedRow {
  reportCellsWithoutHeader(reader, sheetRow, headerCount, layout);

  const code = reader.text('code');
  const countyCode = reader.text('countyCode');
  const unitName = reader.text('unitName');
  const creditCode = reader.text('creditCode');
  const longitude = reader.number('longitude');
  const latitude = reader.number('latitude');

  const unit = parseWith(reader, unitInput, UNIT_MAPPING, {
    name: unitName,
    kind: reader.vocabulary('unitKind', unitKind),
    creditCode: creditCode ?? null,
    countyCode,
    contactPerson: reader.text('contactPerson') ?? null,
    contactPhone: reader.text('contactPhone') ?? null,
  });

  const intakeDraft = parseWith(reader, intakeInput, INTAKE_MAPPING, {
    code,
    name: reader.text('name'),
    countyCode,
    unitId: PENDING_ID,
    longitude,
    latitude,
    sourceType: reader.vocabulary('sourceType', sourceType),
    nonConventionalKind: reader.vocabulary('nonConventionalKind', nonConventionalKind) ?? null,
    sourceName: reader.text('sourceName') ?? null,
    waterUse: reader.vocabulary('waterUse', waterUse),
    intakeKind: reader.vocabulary('intakeKind', intakeKind),
    wellDiameterMm: reader.integer('wellDiameterMm') ?? null,
    bundledSmallIrrigation: reader.boolean('bundledSmallIrrigation') ?? false,
    confidential: reader.boolean('confidential') ?? false,
    permitExempt: reader.boolean('permitExempt') ?? false,
  });

  const permit = checkPermit(reader);
  const permitNumber = reader.isEmpty('permitNumber') ? null : reader.text('permitNumber');

  const intake = intakeDraft === null ? null : withoutUnitId(intakeDraft);
  const valid = reader.errors.length === 0;
  return {
    row: reader.row,
    valid,
    unit,
    intake: valid ? intake : null,
    permit: valid ? permit : null,
    unitKey: unitName && countyCode !== undefined ? unitKeyOf({ name: unitName, creditCode, countyCode }) : null,
    code: code ?? null,
    permitNumber: permitNumber ?? null,
    countyCode: countyCode ?? null,
    position: positionOf(reader, longitude, latitude),
  };
}

/** The row's place, when both coordinates were read and passed the schema's ranges. */
function positionOf(reader: RowReader, longitude: Read<number>, latitude: Read<number>): Position | null {
  if (typeof longitude !== 'number' || typeof latitude !== 'number') return null;
  if (reader.hasFailed('longitude') || reader.hasFailed('latitude')) return null;
  return { longitude, latitude };
}

/** The permit columns are one optional group: all empty (no permit), or a number and its four facts. */
function checkPermit(reader: RowReader): PermitDraft | null {
  const [, ...facts] = PERMIT_COLUMNS;
  const numberHeader = columnSpec('permitNumber').header;
  if (reader.isEmpty('permitNumber')) {
    for (const key of facts) {
      if (!reader.isEmpty(key)) reader.error(key, `must be empty when ${numberHeader} is empty (no permit)`);
    }
    return null;
  }
  for (const key of facts) {
    if (reader.isEmpty(key)) reader.error(key, `required with a permit (${numberHeader} is filled); the cell is empty`);
  }
  const permit = parseWith(reader, permitInput, PERMIT_MAPPING, {
    permitNumber: reader.text('permitNumber'),
    intakeId: PENDING_ID,
    issuingLevel: reader.vocabulary('issuingLevel', issuingLevel),
    validFrom: reader.date('validFrom'),
    validTo: reader.date('validTo'),
    annualVolumeM3: reader.number('annualVolumeM3'),
  });
  return permit === null ? null : withoutIntakeId(permit);
}

// The placeholder ids go; the real ones are assigned when the import is written.
function withoutUnitId({ unitId: _unitId, ...draft }: IntakeInput): IntakeDraft {
  return draft;
}

function withoutIntakeId({ intakeId: _intakeId, ...draft }: PermitInput): PermitDraft {
  return draft;
}

/** A value under an empty header cell, or beyond the last header, would be silently lost: refuse it. */
function reportCellsWithoutHeader(reader: RowReader, sheetRow: SheetRow, headerCount: number, layout: ColumnLayout): void {
  sheetRow.cells.forEach((cell, index) => {
    if (isEmptyCell(cell) || (index < headerCount && !layout.unnamed.includes(index))) return;
    reader.errors.push({ row: reader.row, column: `column ${columnLetter(index)}`, reason: 'has a value but no header' });
  });
}

/** How a registry schema's fields map to the file's columns, and stand-ins for its independent fields. */
interface SchemaMapping {
  /** Field -> column where the names differ (unit fields); otherwise the field name is the column key. */
  columnOfField: Readonly<Record<string, ColumnKey>>;
  /**
   * Valid stand-ins for fields that no cross-field rule reads. Zod runs an object's cross-field
   * rules only when every field is valid, so when only such fields failed, the schema is run again
   * with these in their place and the cross-field rules still report on the row.
   */
  standIns: Readonly<Record<string, unknown>>;
}

const UNIT_MAPPING: SchemaMapping = {
  columnOfField: UNIT_COLUMNS,
  standIns: { name: 'x', countyCode: '100000', contactPerson: null, contactPhone: null },
};
const INTAKE_MAPPING: SchemaMapping = {
  columnOfField: {},
  standIns: {
    code: 'x',
    name: 'x',
    countyCode: '100000',
    longitude: 100,
    latitude: 30,
    sourceName: null,
    confidential: false,
    permitExempt: false,
  },
};
const PERMIT_MAPPING: SchemaMapping = {
  columnOfField: {},
  standIns: { permitNumber: 'x', issuingLevel: 'province', annualVolumeM3: 1 },
};

/**
 * Runs a registry schema and records its issues against the file's columns; issues of a column
 * whose cell already failed are dropped (the cell's own reason says more).
 */
function parseWith<S extends z.ZodType>(
  reader: RowReader,
  schema: S,
  mapping: SchemaMapping,
  input: Record<string, unknown>,
): z.output<S> | null {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const failedFields = new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')));
  recordIssues(reader, mapping, parsed.error.issues);
  if ([...failedFields].every((f) => f in mapping.standIns)) {
    const standIns = Object.fromEntries([...failedFields].map((f) => [f, mapping.standIns[f]]));
    const again = schema.safeParse({ ...input, ...standIns });
    const crossFieldIssues = again.success ? [] : again.error.issues.filter((i) => !failedFields.has(String(i.path[0] ?? '')));
    recordIssues(reader, mapping, crossFieldIssues);
  }
  return null;
}

function recordIssues(reader: RowReader, mapping: SchemaMapping, issues: readonly z.core.$ZodIssue[]): void {
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    const key = mapping.columnOfField[field] ?? (isColumnKey(field) ? field : undefined);
    if (key === undefined) {
      reader.errors.push({ row: reader.row, column: null, reason: `${field}: ${issue.message}` });
    } else if (!reader.hasFailed(key)) {
      reader.error(key, issue.message);
    }
  }
}
