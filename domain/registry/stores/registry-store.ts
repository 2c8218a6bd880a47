/**
 * What the generic registry routes (resource-routes.ts) need from one kind of record. Each kind
 * (units, intakes, permits, meters) implements it with typed Kysely queries in its own file.
 */
import type { Page, PageQuery } from '../../../platform/db/paging.ts';

export interface RegistryStore<TInput, TRecord, TFilter> {
  /** Singular noun used in messages, e.g. "intake". */
  readonly kind: string;
  list(filter: TFilter, page: PageQuery): Promise<Page<TRecord>>;
  get(id: string): Promise<TRecord | undefined>;
  create(input: TInput, actor: string): Promise<TRecord>;
  /** Replaces every field with `input` (already merged with the current record and validated). */
  update(id: string, input: TInput, actor: string): Promise<TRecord | undefined>;
  /** Takes the record out of service without deleting it (status retired, or revoked for a permit). */
  retire(id: string, actor: string): Promise<TRecord | undefined>;
  /** The county the record belongs to: the hook for per-object access checks. */
  countyOf(record: TRecord): Promise<string>;
}
