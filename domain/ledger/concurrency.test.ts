import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { useTestDatabase } from '../../test/database.ts';
import { registerMeters } from '../../test/fixtures/registry.ts';
import { applyEvaluation } from './apply-evaluation.ts';
import { TERMINAL_STATUSES } from './schemas.ts';
import type { EvaluationCounts, Finding } from './finding.ts';
import { day, eventsOf, finding, ZERO_COUNTS } from './testing/fixtures.ts';

const testDb = useTestDatabase();

function sum(list: EvaluationCounts[]): EvaluationCounts {
  const total = { ...ZERO_COUNTS };
  for (const c of list) for (const k of Object.keys(total) as (keyof EvaluationCounts)[]) total[k] += c[k];
  return total;
}

async function openCount(intakeIds: string[]): Promise<Map<string, number>> {
  const rows = await testDb.db
    .selectFrom('ledger_items')
    .select(['intake_id', 'rule', 'subject'])
    .select((eb) => eb.fn.countAll<string>().as('open'))
    .where('intake_id', 'in', intakeIds)
    .where('status', 'not in', TERMINAL_STATUSES)
    .groupBy(['intake_id', 'rule', 'subject'])
    .execute();
  return new Map(rows.map((r) => [`${r.intake_id ?? ''}/${r.rule}/${r.subject}`, Number(r.open)]));
}

describe('applyEvaluation under concurrency', () => {
  it('leaves exactly one open item when two evaluations apply the same finding at once', async () => {
    const meters = await registerMeters(testDb.db, { count: 1, prefix: 'CC' });
    const id = meters[0]?.intakeId ?? '';
    const f = finding(id);
    const now = new Date(day('2026-06-02'));
    const results = await Promise.all([
      applyEvaluation(testDb.db, { findings: [f], clear: [], now }),
      applyEvaluation(testDb.db, { findings: [f], clear: [], now }),
    ]);
    expect(sum(results)).toEqual({ ...ZERO_COUNTS, raised: 1, unchanged: 1 });
    expect([...(await openCount([id])).values()]).toEqual([1]);
    const items = await testDb.db.selectFrom('ledger_items').select(['id', 'detections']).where('intake_id', '=', id).execute();
    expect(items).toHaveLength(1);
    expect(items[0]?.detections).toBe(2);
    expect((await eventsOf(testDb.db, items[0]?.id ?? '')).map((e) => e.action)).toEqual(['raised']);
  });

  it('updates an open item once when two evaluations bring the same new evidence at once', async () => {
    const db = testDb.db;
    const meters = await registerMeters(db, { count: 1, prefix: 'CU' });
    const id = meters[0]?.intakeId ?? '';
    await applyEvaluation(db, { findings: [finding(id)], clear: [], now: new Date(day('2026-06-02')) });
    const next = finding(id, { evidence: { silentDays: 4 } });
    const now = new Date(day('2026-06-03'));
    const results = await Promise.all([
      applyEvaluation(db, { findings: [next], clear: [], now }),
      applyEvaluation(db, { findings: [next], clear: [], now }),
    ]);
    expect(sum(results)).toEqual({ ...ZERO_COUNTS, updated: 1, unchanged: 1 });
    const items = await db.selectFrom('ledger_items').select(['id', 'detections']).where('intake_id', '=', id).execute();
    expect(items.map((i) => i.detections)).toEqual([3]);
    expect((await eventsOf(db, items[0]?.id ?? '')).map((e) => e.action)).toEqual(['raised', 'updated']);
  });

  it('waits for a concurrent insert of the same open item and then updates it instead of failing', async () => {
    // Deterministic: hold an uncommitted insert of the open item, start the evaluation, wait until
    // PostgreSQL shows it blocked on that row, then commit.
    const db = testDb.db;
    const meters = await registerMeters(db, { count: 1, prefix: 'CW' });
    const id = meters[0]?.intakeId ?? '';
    const f = finding(id);
    let commit = (): void => undefined;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    let inserted = (): void => undefined;
    const insertDone = new Promise<void>((resolve) => (inserted = resolve));
    const holder = db.transaction().execute(async (trx) => {
      await trx
        .insertInto('ledger_items')
        .values({
          kind: 'item',
          rule: f.rule,
          intake_id: id,
          county_code: f.countyCode,
          subject: f.subject,
          summary: 'other process',
          evidence: JSON.stringify({ other: true }),
          window_start: new Date(f.windowStartMs),
          window_end: new Date(f.windowEndMs),
        })
        .execute();
      inserted();
      await committed;
    });
    await insertDone;
    const applying = applyEvaluation(db, { findings: [f], clear: [], now: new Date(day('2026-06-02')) });
    await waitForLockWait();
    commit();
    await holder;
    expect(await applying).toEqual({ ...ZERO_COUNTS, updated: 1 });
    const rows = await db.selectFrom('ledger_items').select(['summary', 'detections']).where('intake_id', '=', id).execute();
    expect(rows).toEqual([{ summary: f.summary, detections: 2 }]);
  });

  it('keeps one open item per problem when evaluations over many problems, in opposite orders, overlap', async () => {
    const meters = await registerMeters(testDb.db, { count: 12, prefix: 'CM' });
    const ids = meters.map((m) => m.intakeId);
    const findings: Finding[] = ids.flatMap((id) => [
      finding(id, { subject: 'M-1' }),
      finding(id, { subject: 'M-2', rule: 'clock-drift' }),
    ]);
    const now = new Date(day('2026-06-02'));
    const reversed = [...findings].reverse();
    const results = await Promise.all([
      applyEvaluation(testDb.db, { findings, clear: [], now }),
      applyEvaluation(testDb.db, { findings: reversed, clear: [], now }),
      applyEvaluation(testDb.db, { findings, clear: [], now }),
    ]);
    const total = sum(results);
    expect(total.raised).toBe(findings.length);
    expect(total.raised + total.unchanged).toBe(3 * findings.length);
    const open = await openCount(ids);
    expect(open.size).toBe(findings.length);
    expect([...open.values()].every((n) => n === 1)).toBe(true);
  });

  async function waitForLockWait(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const row = await sql<{ waiting: string }>`
        select count(*) as waiting from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`.execute(testDb.db);
      if (Number(row.rows[0]?.waiting ?? 0) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the evaluation never waited on the uncommitted insert');
  }
});
