/** Offset pagination shared by every list route: `?limit=&offset=`, answered with the total. */
import type { SelectQueryBuilder } from 'kysely';
import { z } from 'zod';

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Items per page (1-500, default 50)'),
  offset: z.coerce.number().int().min(0).default(0).describe('Items to skip (default 0)'),
});
export type PageQuery = z.infer<typeof pageQuery>;

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().describe('Items matching the filters, over all pages'),
    limit: z.number().int(),
    offset: z.number().int(),
  });
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * One page of a filtered query, and the total over all pages, in two statements run together.
 * `rows` selects and orders; the limit and offset are applied here.
 */
export async function listPage<DB, TB extends keyof DB, O, Row, Item>(
  filtered: SelectQueryBuilder<DB, TB, O>,
  rows: (query: SelectQueryBuilder<DB, TB, O>) => Promise<Row[]>,
  toItem: (row: Row) => Item,
  { limit, offset }: PageQuery,
): Promise<Page<Item>> {
  const [found, count] = await Promise.all([
    rows(filtered.limit(limit).offset(offset)),
    // Kysely cannot resolve the selection's type for a generic table; the row is { n: bigint as text }.
    filtered
      .clearSelect()
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow() as unknown as Promise<{ n: string }>,
  ]);
  return { items: found.map(toItem), total: Number(count.n), limit, offset };
}
