/**
 * The ledger's rules of duty and escalation, set in the rules file's "ledger" section
 * (MONITOR_RULES_FILE, domain/evaluation/rule-config.ts; docs/ledger.md, "Rules of duty"):
 *
 *   { "ledger": { "closeNeedsUpperLevel": true, "escalateToCityAfterDays": 0, "escalateToProvinceAfterDays": 30 } }
 */
import { z } from 'zod';

export const ledgerWorkflowOptions = z
  .strictObject({
    closeNeedsUpperLevel: z
      .boolean()
      .default(true)
      .describe("Closing a county's item (销号) needs a city or province user: the county that rectified does not verify itself"),
    escalateToCityAfterDays: z
      .number()
      .int()
      .min(0)
      .max(365)
      .default(0)
      .describe("Days after the deadline day before an overdue county item goes to the city's queue (0: the first day it is overdue)"),
    escalateToProvinceAfterDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .default(30)
      .describe("Further days an item stays in the city's queue before it goes to the province's"),
  })
  .describe('Rules of duty and escalation of the rectification ledger');
export type LedgerWorkflowOptions = z.output<typeof ledgerWorkflowOptions>;

export const DEFAULT_LEDGER_WORKFLOW: LedgerWorkflowOptions = Object.freeze(ledgerWorkflowOptions.parse({}));
