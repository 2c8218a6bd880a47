/**
 * The rule catalogue (domain/rules RULES): every rule's id, kind and titles, so that clients such
 * as the review page name a ledger entry's rule in the reader's language without a copy of the list.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RULE_IDS, RULES } from '../../domain/rules/index.ts';
import { problemSchema } from '../http/problem.ts';

export const ruleDescription = z.object({
  id: z.enum(RULE_IDS),
  kind: z.enum(['item', 'notice']).describe('item: goes into the rectification ledger; notice: information only'),
  titleZh: z.string(),
  titleEn: z.string(),
  source: z.string().describe('Where the default threshold comes from'),
});

export function ruleRoutes(app: FastifyInstance): void {
  app.withTypeProvider<ZodTypeProvider>().get('/rules', {
    config: { access: { access: 'read' } },
    schema: {
      tags: ['ledger'],
      summary: 'The rules that raise ledger entries: id, kind and titles in Chinese and English',
      response: { 200: z.object({ rules: z.array(ruleDescription) }), 401: problemSchema },
    },
    handler: () => ({ rules: RULE_IDS.map((id) => ({ id, ...RULES[id] })) }),
  });
}
