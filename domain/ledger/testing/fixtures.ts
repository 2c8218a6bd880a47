/** Findings and entries for the ledger's tests. */
import { type Db, withActor } from '../../../platform/db/database.ts';
import type { Principal } from '../../access/index.ts';
import { localDayStart } from '../../../platform/local-time.ts';
import { registerMeters } from '../../../test/fixtures/registry.ts';
import { applyEvaluation } from '../apply-evaluation.ts';
import { LedgerTransitionError } from '../errors.ts';
import type { Finding } from '../finding.ts';
import { TERMINAL_STATUSES } from '../schemas.ts';

/** Local midnight (Asia/Shanghai) of `day`, in ms. */
export const day = (d: string): number => localDayStart(d);
export const HOUR_MS = 3_600_000;

/** A meter-silent item on `intakeId` over 1 June 2026 unless overridden. */
export function finding(intakeId: string | null, overrides: Partial<Finding> = {}): Finding {
  return {
    rule: 'meter-silent',
    kind: 'item',
    intakeId,
    countyCode: '220102',
    subject: 'M-1',
    windowStartMs: day('2026-06-01'),
    windowEndMs: day('2026-06-02'),
    summary: '计量设施 3 天无数据 / Meter silent for 3 days',
    evidence: { silentDays: 3, lastReadingMs: day('2026-05-29') },
    ...overrides,
  };
}

/** Raises `f` and returns the id of its open entry. */
export async function raise(db: Db, f: Finding, now = new Date(f.windowEndMs)): Promise<string> {
  await applyEvaluation(db, { findings: [f], clear: [], now });
  const row = await db
    .selectFrom('ledger_items')
    .select('id')
    .where('rule', '=', f.rule)
    .where('subject', '=', f.subject)
    .where('intake_id', f.intakeId === null ? 'is' : '=', f.intakeId)
    .where('status', 'not in', TERMINAL_STATUSES)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The intake of one newly registered meter, its ids starting with `prefix`. */
export async function registeredIntake(db: Db, prefix: string): Promise<string> {
  const [m] = await registerMeters(db, { count: 1, prefix });
  if (!m) throw new Error('no intake registered');
  return m.intakeId;
}

/** The entries of `intakeId` not yet ended (dismissed, closed, resolved). */
export function openEntriesOf(db: Db, intakeId: string) {
  return db.selectFrom('ledger_items').selectAll().where('intake_id', '=', intakeId).where('status', 'not in', TERMINAL_STATUSES).execute();
}

export async function eventsOf(
  db: Db,
  itemId: string,
): Promise<{ action: string; from_status: string | null; to_status: string | null; actor: string; note: string | null; data: unknown }[]> {
  return db
    .selectFrom('ledger_events')
    .select(['action', 'from_status', 'to_status', 'actor', 'note', 'data'])
    .where('item_id', '=', itemId)
    .orderBy('id')
    .execute();
}

export const ZERO_COUNTS = { raised: 0, updated: 0, recurred: 0, cleared: 0, resolved: 0, unchanged: 0 } as const;

/** A principal for the access-scoped functions: `user:<name>` in `divisionCode`. */
export function principal(
  name: string,
  divisionCode: string,
  role: 'admin' | 'staff' | 'auditor' = 'staff',
  confidential = false,
): Principal {
  return { actor: `user:${name}`, kind: 'user', id: name, divisionCode, role, confidential };
}

/** Marks the intake confidential (a boundary-river intake). */
export async function makeConfidential(db: Db, intakeId: string): Promise<void> {
  await withActor(db, 'test:fixture', (trx) => trx.updateTable('intakes').set({ confidential: true }).where('id', '=', intakeId).execute());
}

/** The LedgerTransitionError a transition throws, or a failure when it does not throw. */
export async function refused(work: Promise<unknown>): Promise<LedgerTransitionError> {
  try {
    await work;
  } catch (err) {
    if (err instanceof LedgerTransitionError) return err;
    throw err;
  }
  throw new Error('expected a LedgerTransitionError');
}
