/**
 * Telling a statement PostgreSQL refused (it answered, and will answer the same again) from a
 * store that could not be reached or could not answer now (worth retrying). A drain that retries a
 * refused statement as if the store were down stalls for ever behind it.
 */
import pg from 'pg';

/**
 * SQLSTATE classes and codes that say "not now" rather than "not this": connection exceptions
 * (08, but 08P01, a protocol violation, is the statement's own fault, e.g. too many bind
 * parameters), transaction rollbacks (40: serialization, deadlock), insufficient resources (53),
 * operator intervention (57: shutdown, cancel), system errors (58), lock not available (55P03),
 * and syntax or access rule violations (42: a schema not yet migrated; an operator must act, and
 * the statement may well succeed then).
 */
const TRANSIENT_CLASSES = new Set(['08', '40', '42', '53', '57', '58']);
const TRANSIENT_CODES = new Set(['55P03']);
const REFUSED_CODES = new Set(['08P01']);

/** True when PostgreSQL answered with an error that the same statement would get again. */
export function isRefusedStatement(err: unknown): err is pg.DatabaseError {
  if (!(err instanceof pg.DatabaseError) || err.code === undefined) return false;
  if (REFUSED_CODES.has(err.code)) return true;
  return !TRANSIENT_CODES.has(err.code) && !TRANSIENT_CLASSES.has(err.code.slice(0, 2));
}
