/** Offset pagination shared by every list route: `?limit=&offset=`, answered with the total. */
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
