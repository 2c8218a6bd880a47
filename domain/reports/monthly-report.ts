/**
 * The monthly progress report of a division (brief, section 2: the report regulators read on the
 * 1st): how much the division's intakes withdrew in the month, how complete the data behind that
 * is, and how the ledger moved. Written by domain/reports/generate-monthly-reports.ts, served by
 * api/reports/reports.routes.ts; this schema is the one definition of its shape.
 *
 * Every figure is a sum over rows a person can list: `basis` names the days and the tables.
 */
import { z } from 'zod';
import { MONTH_PATTERN } from '../../platform/local-time.ts';
import { divisionLevel } from '../registry/index.ts';

export const monthlyReportFigures = z.object({
  month: z.string().regex(MONTH_PATTERN),
  divisionCode: z.string(),
  level: divisionLevel.schema,
  basis: z.object({
    firstDay: z.iso.date(),
    lastDay: z.iso.date(),
    accounts: z.string().describe('Where the withdrawal figures come from'),
    items: z.string().describe('Where the ledger figures come from'),
    generatedAt: z.iso.datetime({ offset: true }),
  }),
  intakes: z.object({
    active: z.number().int().describe('Active intakes in the registry when the report was generated'),
    accounted: z.number().int().describe('Intakes with at least one daily account in the month'),
    withMissingDays: z.number().int().describe('Intakes with at least one day of no data'),
  }),
  withdrawal: z.object({
    volumeM3: z.number().describe('Sum of the daily volumes; a missing day adds nothing, so with missing days this is a lower bound'),
    accountedDays: z.number().int(),
    missingDays: z.number().int(),
    partialDays: z.number().int(),
    completeness: z.number().nullable().describe('Reports received / reports expected over the month (0..1); null when none were expected'),
  }),
  ledger: z.object({
    itemsRaised: z.number().int().describe('Rectification items first detected in the month'),
    noticesRaised: z.number().int().describe('Notices first detected in the month'),
    raisedByRule: z.record(z.string(), z.number().int()),
    closed: z.number().int().describe('Items closed after verification in the month'),
    dismissed: z.number().int().describe('Items dismissed (with a reason) in the month'),
    openItems: z.number().int().describe('Items open at the end of the month (status from the last ledger event before it)'),
    overdueItems: z.number().int().describe('Of those, confirmed or rectifying with a deadline on or before the last day'),
  }),
});
export type MonthlyReportFigures = z.infer<typeof monthlyReportFigures>;
