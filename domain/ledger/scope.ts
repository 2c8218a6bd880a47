/**
 * What of the ledger a principal may see (docs/ledger.md, "Access"): entries of the counties its
 * division covers, and of confidential intakes only with the clearance. Anything else is treated
 * as nonexistent: not found, not listed, not counted.
 */
import { type ExpressionBuilder, type Expression, type SqlBool, sql } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import type { Principal } from '../access/index.ts';
import { divisionPrefix } from '../registry/index.ts';

export type DivisionLevel = 'province' | 'city' | 'county';

/** The level of a GB/T 2260 code: 220000 province, 220100 city, 220102 county. */
export function levelOf(code: string): DivisionLevel {
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'city';
  return 'county';
}

/**
 * The narrower of the principal's division and a requested one, as a code prefix; null when they
 * do not overlap (the request is outside the principal's division: nothing to show).
 */
export function scopePrefix(p: Pick<Principal, 'divisionCode'>, requested?: string): string | null {
  const own = divisionPrefix(p.divisionCode);
  if (requested === undefined) return own;
  const asked = divisionPrefix(requested);
  if (asked.startsWith(own)) return asked;
  if (own.startsWith(asked)) return own;
  return null;
}

/** Escapes LIKE's wildcards so user text matches literally. */
export const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The entries of ledger_items (aliased or not) the principal may see, inside `prefix`. */
export function visibleItems(
  eb: ExpressionBuilder<Database, 'ledger_items'>,
  p: Pick<Principal, 'confidential'>,
  prefix: string,
): Expression<SqlBool> {
  // A county's own prefix is its whole code: equality lets ledger_items_county_status_id_idx
  // (migration 0012) serve a county's pages in id order; LIKE on char(6) cannot use an index.
  const inDivision =
    prefix.length === 6 ? eb('ledger_items.county_code', '=', prefix) : eb('ledger_items.county_code', 'like', `${prefix}%`);
  if (p.confidential) return inDivision;
  return eb.and([
    inDivision,
    eb.not(
      eb.exists(
        eb
          .selectFrom('intakes')
          .select(sql`1`.as('one'))
          .whereRef('intakes.id', '=', 'ledger_items.intake_id')
          .where('intakes.confidential', '=', true),
      ),
    ),
  ]);
}
