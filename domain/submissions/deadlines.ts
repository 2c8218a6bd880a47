/**
 * When each level's submissions are due (the 2020 Jilin plan): the monthly progress report by the
 * 3rd (county) and the 6th (city) of the next month; the rectification ledger by 30 April (county)
 * and 31 May (city); the registration summary by the end of August (county) and of September
 * (city). Set in the rules file's "submissions" section (MONITOR_RULES_FILE):
 *
 *   { "submissions": { "monthly": { "county": 3, "city": 6 }, "ledger": { "county": "04-30", "city": "05-31" } } }
 */
import { z } from 'zod';
import { addMonths } from '../../platform/local-time.ts';

const dayOfMonth = z.number().int().min(1).max(28).describe('Day of the month after the period');
const monthDay = z
  .string()
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, 'expected MM-DD')
  .describe('MM-DD of the period year');

export const submissionDeadlines = z
  .strictObject({
    monthly: z.strictObject({ county: dayOfMonth.default(3), city: dayOfMonth.default(6) }).default({ county: 3, city: 6 }),
    ledger: z
      .strictObject({ county: monthDay.default('04-30'), city: monthDay.default('05-31') })
      .default({ county: '04-30', city: '05-31' }),
    registration: z
      .strictObject({ county: monthDay.default('08-31'), city: monthDay.default('09-30') })
      .default({ county: '08-31', city: '09-30' }),
  })
  .describe('Deadlines of level-by-level submissions');
export type SubmissionDeadlines = z.output<typeof submissionDeadlines>;
export const DEFAULT_SUBMISSION_DEADLINES: SubmissionDeadlines = Object.freeze(submissionDeadlines.parse({}));

export const SUBMISSION_KINDS = ['ledger', 'registration', 'monthly'] as const;
export const submissionKind = z
  .enum(SUBMISSION_KINDS)
  .describe('ledger: Annex 3 rectification table; registration: Annex 2 summary; monthly: the progress report');
export type SubmissionKind = z.infer<typeof submissionKind>;
export type SubmittingLevel = 'county' | 'city';

/** The period's form for each kind: YYYY-MM for monthly, YYYY for the others. */
export function periodProblem(kind: SubmissionKind, period: string): string | null {
  if (kind === 'monthly') return /^[0-9]{4}-(0[1-9]|1[0-2])$/.test(period) ? null : 'a monthly report period is YYYY-MM';
  return /^[0-9]{4}$/.test(period) ? null : `a ${kind} period is a year, YYYY`;
}

/** The last local day on which the submission is on time. */
export function dueOn(
  kind: SubmissionKind,
  level: SubmittingLevel,
  period: string,
  d: SubmissionDeadlines = DEFAULT_SUBMISSION_DEADLINES,
): string {
  if (kind === 'monthly') {
    const next = addMonths(`${period}-01`, 1);
    return `${next.slice(0, 8)}${String(d.monthly[level]).padStart(2, '0')}`;
  }
  const [mm = 1, dd = 1] = d[kind][level].split('-').map(Number);
  // A day the month lacks (02-29 in most years, 04-31) is the month's last day.
  const last = new Date(Date.UTC(Number(period), mm, 0)).getUTCDate();
  return `${period}-${String(mm).padStart(2, '0')}-${String(Math.min(dd, last)).padStart(2, '0')}`;
}
