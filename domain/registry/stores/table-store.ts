/**
 * One store for the four kinds of registry record (units, intakes, permits, meters): list with
 * filters and pages, get, create, update, retire, each as the viewer may see it. A kind gives only
 * what is its own (its table, its row mapping, its filters, where it sits); the statements are
 * written once here.
 *
 * Scope (docs/api.md, "Access"): a record outside the viewer's division, or of a confidential
 * intake without the clearance, does not exist for the viewer: get, update and retire find
 * nothing, lists leave it out. A write may not place a record outside the viewer's division.
 */
import { type RawBuilder, type SelectQueryBuilder, sql, type SqlBool } from 'kysely';
import type { Db, DbTransaction } from '../../../platform/db/database.ts';
import { withActor } from '../../../platform/db/database.ts';
import { listPage, type Page, type PageQuery } from '../../../platform/db/paging.ts';
import type { Database } from '../../../platform/db/schema.ts';
import { divisionPrefix } from '../divisions.ts';

export type RegistryTable = 'withdrawal_units' | 'intakes' | 'permits' | 'meters';

/** Who is looking. The API's principal is one. */
export interface Viewer {
  divisionCode: string;
  confidential: boolean;
}

/**
 * Why a write was refused: the record would sit outside the viewer's division (or be confidential
 * without the clearance), or its intake does not exist for the viewer (exactly as if it did not
 * exist at all, so the refusal tells nothing about other divisions).
 */
export class RegistryScopeError extends Error {
  readonly reason: 'outside_division' | 'unknown_intake';
  constructor(reason: RegistryScopeError['reason'], message: string) {
    super(message);
    this.name = 'RegistryScopeError';
    this.reason = reason;
  }
}

/**
 * Where a record sits: by its own county (units; intakes, which may also be confidential), or
 * through its intake (permits, meters).
 */
export type Placement = { by: 'county'; confidentialColumn: boolean } | { by: 'intake' };

/** Where an input would place a record: its county (and confidentiality), or its intake. */
export type Place = { countyCode: string; confidential: boolean } | { intakeId: string };

export interface TableSpec<T extends RegistryTable, Row, TInput, TRecord, TFilter> {
  /** Singular noun used in messages, e.g. "intake". */
  kind: string;
  table: T;
  placement: Placement;
  /** The status a retired record takes (a permit is revoked, the others retired). */
  retiredStatus: 'retired' | 'revoked';
  /** Every row of the table, all columns: `db.selectFrom(table).selectAll()`. */
  from(db: Db): SelectQueryBuilder<Database, T, Row>;
  filter(query: SelectQueryBuilder<Database, T, Row>, filter: TFilter): SelectQueryBuilder<Database, T, Row>;
  fromRow(row: Row): TRecord;
  toRow(input: TInput): Record<string, unknown>;
  /** Where an input would place the record: its county (and confidentiality), or its intake. */
  placeOf(input: TInput): Place;
}

export interface RegistryStore<TInput, TRecord, TFilter> {
  readonly kind: string;
  list(viewer: Viewer, filter: TFilter, page: PageQuery): Promise<Page<TRecord>>;
  get(viewer: Viewer, id: string): Promise<TRecord | undefined>;
  create(viewer: Viewer, input: TInput, actor: string): Promise<TRecord>;
  /** Replaces every field with `input` (already merged with the current record and validated). */
  update(viewer: Viewer, id: string, input: TInput, actor: string): Promise<TRecord | undefined>;
  /** Takes the record out of service without deleting it (status retired, or revoked for a permit). */
  retire(viewer: Viewer, id: string, actor: string): Promise<TRecord | undefined>;
}

const seesConfidential = (viewer: Viewer, column: RawBuilder<unknown>) =>
  viewer.confidential ? sql<SqlBool>`true` : sql<SqlBool>`not ${column}`;

/** The intakes the viewer may see, as a condition on `intakes` columns. */
export function visibleIntakes(viewer: Viewer, alias = 'intakes'): RawBuilder<SqlBool> {
  const prefix = `${divisionPrefix(viewer.divisionCode)}%`;
  return sql<SqlBool>`(${sql.ref(`${alias}.county_code`)} like ${prefix} and ${seesConfidential(viewer, sql.ref(`${alias}.confidential`))})`;
}

function inScope(viewer: Viewer, table: RegistryTable, placement: Placement): RawBuilder<SqlBool> {
  if (placement.by === 'intake')
    return sql<SqlBool>`${sql.ref(`${table}.intake_id`)} in (select id from intakes where ${visibleIntakes(viewer)})`;
  if (placement.confidentialColumn) return visibleIntakes(viewer, table);
  return sql<SqlBool>`${sql.ref(`${table}.county_code`)} like ${`${divisionPrefix(viewer.divisionCode)}%`}`;
}

async function assertPlaceable(trx: DbTransaction, viewer: Viewer, place: Place): Promise<void> {
  if ('intakeId' in place) {
    const found = await sql<{ id: string }>`select id from intakes where id = ${place.intakeId} and ${visibleIntakes(viewer)}`.execute(trx);
    if (found.rows.length === 0) throw new RegistryScopeError('unknown_intake', `intake ${place.intakeId} does not exist`);
    return;
  }
  if (!place.countyCode.startsWith(divisionPrefix(viewer.divisionCode)))
    throw new RegistryScopeError('outside_division', `county ${place.countyCode} is outside your division ${viewer.divisionCode}`);
  if (place.confidential && !viewer.confidential)
    throw new RegistryScopeError('outside_division', 'only a user cleared for confidential intakes may mark one confidential');
}

/** Columns and values of a row, without the undefined ones (so the database's defaults apply). */
function columnsOf(row: Record<string, unknown>): [string, unknown][] {
  return Object.entries(row).filter(([, v]) => v !== undefined);
}

export function tableStore<T extends RegistryTable, Row, TInput, TRecord, TFilter>(
  db: Db,
  spec: TableSpec<T, Row, TInput, TRecord, TFilter>,
): RegistryStore<TInput, TRecord, TFilter> {
  const { table } = spec;
  const scoped = (viewer: Viewer) => spec.from(db).where(inScope(viewer, table, spec.placement));
  const visibleRow = (viewer: Viewer, id: string) =>
    sql<SqlBool>`${sql.ref(`${table}.id`)} = ${id} and ${inScope(viewer, table, spec.placement)}`;
  const one = (rows: Row[]) => (rows[0] ? spec.fromRow(rows[0]) : undefined);

  return {
    kind: spec.kind,
    list: (viewer, filter, page) =>
      listPage(
        spec.filter(scoped(viewer), filter),
        (q) => q.orderBy(sql`id`).execute(),
        (row) => spec.fromRow(row),
        page,
      ),
    async get(viewer, id) {
      const found = await sql<Row>`select * from ${sql.table(table)} where ${visibleRow(viewer, id)}`.execute(db);
      return one(found.rows);
    },
    async create(viewer, input, actor) {
      return withActor(db, actor, async (trx) => {
        await assertPlaceable(trx, viewer, spec.placeOf(input));
        const cols = columnsOf(spec.toRow(input));
        const inserted =
          await sql<Row>`insert into ${sql.table(table)} (${sql.join(cols.map(([c]) => sql.ref(c)))}) values (${sql.join(cols.map(([, v]) => v))}) returning *`.execute(
            trx,
          );
        const created = one(inserted.rows);
        if (created === undefined) throw new Error(`insert into ${table} returned no row`);
        return created;
      });
    },
    async update(viewer, id, input, actor) {
      return withActor(db, actor, async (trx) => {
        await assertPlaceable(trx, viewer, spec.placeOf(input));
        const sets = Object.entries(spec.toRow(input)).map(([c, v]) => sql`${sql.ref(c)} = ${v ?? null}`);
        const updated =
          await sql<Row>`update ${sql.table(table)} set ${sql.join(sets)} where ${visibleRow(viewer, id)} returning *`.execute(trx);
        return one(updated.rows);
      });
    },
    async retire(viewer, id, actor) {
      return withActor(db, actor, async (trx) => {
        const retired =
          await sql<Row>`update ${sql.table(table)} set status = ${spec.retiredStatus} where ${visibleRow(viewer, id)} returning *`.execute(
            trx,
          );
        return one(retired.rows);
      });
    },
  };
}

/**
 * The registry's audit trail as the viewer may see it: a change of a record it can see (by the
 * record's county and, for intakes, confidentiality before or after the change; permits and meters
 * by their intake; a replacement by its old meter). Divisions are everyone's.
 */
export function visibleChanges(viewer: Viewer): RawBuilder<SqlBool> {
  const prefix = `${divisionPrefix(viewer.divisionCode)}%`;
  const field = (name: string) => sql`coalesce(after ->> ${name}, before ->> ${name})`;
  const confidentialEither = sql<SqlBool>`(coalesce((after ->> 'confidential')::boolean, false) or coalesce((before ->> 'confidential')::boolean, false))`;
  const intakeVisible = (id: RawBuilder<unknown>) =>
    sql<SqlBool>`${id}::bigint in (select id from intakes where ${visibleIntakes(viewer)})`;
  return sql<SqlBool>`(case table_name
    when 'divisions' then true
    when 'withdrawal_units' then ${field('county_code')} like ${prefix}
    when 'intakes' then ${field('county_code')} like ${prefix} and (${viewer.confidential} or not ${confidentialEither})
    when 'permits' then ${intakeVisible(field('intake_id'))}
    when 'meters' then ${intakeVisible(field('intake_id'))}
    when 'meter_replacements' then ${field('old_meter_id')}::bigint in (select m.id from meters m join intakes on intakes.id = m.intake_id where ${visibleIntakes(viewer)})
    else false end)`;
}

/**
 * Rejected messages the viewer may see: those of meters at intakes it can see, and, for
 * province-level viewers, those of no registered meter (unregistered meters, unreadable topics).
 */
export function visibleRejections(viewer: Viewer): RawBuilder<SqlBool> {
  const ofVisibleMeter = sql<SqlBool>`meter_id in (select m.meter_id from meters m join intakes on intakes.id = m.intake_id where ${visibleIntakes(viewer)})`;
  if (divisionPrefix(viewer.divisionCode).length > 2) return ofVisibleMeter;
  return sql<SqlBool>`(${ofVisibleMeter} or meter_id is null or meter_id not in (select meter_id from meters))`;
}
