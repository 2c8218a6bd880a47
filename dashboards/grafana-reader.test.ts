/**
 * Grafana's PostgreSQL login (deploy/postgres/initdb/10-grafana-reader.sh, migrations 0008 and
 * 0013) sees an ordinary intake and everything of it through the views of schema `grafana`, its
 * escalation included, and nothing of a confidential intake: not through the views, and not
 * through the tables, which it cannot read. Submissions show without their snapshots.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withActor } from '../platform/db/database.ts';
import { migrations } from '../platform/db/migrations/index.ts';
import { applyEvaluation, runDailyEscalation, transitionItem } from '../domain/ledger/index.ts';
import { useTestDatabase } from '../test/database.ts';
import { type FixtureMeter, registerMeters } from '../test/fixtures/registry.ts';
import { createGrafanaReader, type GrafanaReader } from './testing/grafana-reader.ts';

const testDb = useTestDatabase();
let reader: GrafanaReader;
let client: pg.Client;
let ordinary: FixtureMeter;
let secret: FixtureMeter;
const DAY = '2025-06-10';

beforeAll(async () => {
  [ordinary, secret] = (await registerMeters(testDb.db, { count: 2, prefix: 'GRV' })) as [FixtureMeter, FixtureMeter];
  await withActor(testDb.db, 'test', (trx) =>
    trx.updateTable('intakes').set({ confidential: true }).where('id', '=', secret.intakeId).execute(),
  );
  for (const m of [ordinary, secret]) await recordActivity(m);
  // Both items overdue since the day after, escalated to the city by the daily job.
  await runDailyEscalation(testDb.db, { now: new Date(Date.parse(`${DAY}T12:00:00+08:00`) + 2 * 86_400_000) });
  await testDb.db
    .insertInto('submissions')
    .values({
      kind: 'monthly',
      period: '2025-05',
      division_code: ordinary.countyCode,
      level: 'county',
      to_division_code: '220100',
      snapshot: '{"secret":"x"}',
      submitted_by: 'user:c',
      submitted_at: new Date(),
      due_on: '2025-06-03',
    })
    .execute();
  reader = await createGrafanaReader(testDb.url);
  client = new pg.Client({ connectionString: reader.url });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await reader.drop();
});

/** A permit, a day's account, a ledger item (with its event) and a rejected message of the intake. */
async function recordActivity(m: FixtureMeter): Promise<void> {
  const db = testDb.db;
  await withActor(db, 'test', (trx) =>
    trx
      .insertInto('permits')
      .values({
        permit_number: `GRV-P-${m.intakeId}`,
        intake_id: m.intakeId,
        issuing_level: 'county',
        valid_from: '2020-01-01',
        valid_to: '2099-12-31',
        annual_volume_m3: 1000,
      })
      .execute(),
  );
  await db
    .insertInto('daily_accounts')
    .values({
      intake_id: m.intakeId,
      day: DAY,
      volume_m3: 10,
      status: 'measured',
      expected_reports: 96,
      received_reports: 96,
      completeness: 1,
      coverage: 1,
      anomalies: '[]',
      evidence: '[]',
    })
    .execute();
  const at = Date.parse(`${DAY}T12:00:00+08:00`);
  const finding = {
    rule: 'daily-over-limit',
    kind: 'item' as const,
    intakeId: m.intakeId,
    countyCode: m.countyCode,
    subject: m.meterId,
    windowStartMs: at,
    windowEndMs: at,
    summary: 'test',
    evidence: {},
  };
  await applyEvaluation(db, { findings: [finding], clear: [], now: new Date(at) });
  const item = await db.selectFrom('ledger_items').select('id').where('intake_id', '=', m.intakeId).executeTakeFirstOrThrow();
  await transitionItem(db, item.id, 'confirm', 'test', {});
  await transitionItem(db, item.id, 'startRectifying', 'test', {
    measures: 'm',
    responsibleUnit: 'u',
    responsiblePerson: 'p',
    deadline: DAY,
  });
  await db
    .insertInto('ingest_rejections')
    .values({
      received_at: new Date(at),
      topic: `meters/${m.meterId}/readings`,
      meter_id: m.meterId,
      reason_code: 'invalid_json',
      reason: 'test',
      payload: Buffer.from('{'),
      payload_bytes: 1,
    })
    .execute();
}

/** The intake ids a view shows (through its intake column, or the meter id of a rejection). */
async function intakesIn(view: string): Promise<string[]> {
  const column = view === 'ingest_rejections' ? 'meter_id' : view === 'intakes' ? 'id::text' : 'intake_id::text';
  const byItem = (v: string) => `select l.intake_id::text as v from grafana.${v} e join grafana.ledger_items l on l.id = e.item_id`;
  const text = view === 'ledger_events' || view === 'ledger_daily_changes' ? byItem(view) : `select ${column} as v from grafana.${view}`;
  const { rows } = await client.query<{ v: string }>(text);
  return rows.map((r) => r.v);
}

const OF_INTAKES = [
  'intakes',
  'permits',
  'meters',
  'daily_accounts',
  'intake_period_totals',
  'ledger_items',
  'ledger_events',
  'ledger_daily_changes',
];
const TABLES = [
  'intakes',
  'permits',
  'meters',
  'daily_accounts',
  'ledger_items',
  'ledger_events',
  'ledger_daily_changes',
  'submissions',
  'ingest_rejections',
  'withdrawal_units',
  'registry_changes',
  'divisions',
];

describe("Grafana's PostgreSQL login", () => {
  it.each(OF_INTAKES)('grafana.%s shows the ordinary intake and not the confidential one', async (view) => {
    const shown = await intakesIn(view);
    expect(shown).toContain(ordinary.intakeId);
    expect(shown).not.toContain(secret.intakeId);
  });

  it('grafana.ingest_rejections shows the ordinary meter and not the confidential one', async () => {
    const shown = await intakesIn('ingest_rejections');
    expect(shown).toContain(ordinary.meterId);
    expect(shown).not.toContain(secret.meterId);
  });

  it('reads the views without naming the schema (its search_path)', async () => {
    const { rows } = await client.query<{ code: string }>('select code from intakes');
    expect(rows.map((r) => r.code).sort()).toEqual(['GRV-0']);
  });

  it.each(TABLES)('cannot read the table public.%s', async (table) => {
    await expect(client.query(`select * from public.${table} limit 1`)).rejects.toMatchObject({ code: '42501' });
  });

  it('cannot write, even to the views: no grant, and read-only transactions besides', async () => {
    await expect(client.query("update grafana.intakes set name = 'x'")).rejects.toMatchObject({ code: '42501' });
    const { rows } = await client.query<{ default_transaction_read_only: string }>('show default_transaction_read_only');
    expect(rows[0]?.default_transaction_read_only).toBe('on');
  });

  it("reads the ordinary item's escalation, and the day's changes of it", async () => {
    const { rows } = await client.query<{ escalated_level: string; overdue: boolean }>(
      'select escalated_level, overdue_marked_at is not null and escalated_at is not null as overdue from grafana.ledger_items',
    );
    expect(rows).toEqual([{ escalated_level: 'city', overdue: true }]);
    const changes = await client.query<{ change: string }>('select change from grafana.ledger_daily_changes order by change');
    expect(changes.rows.map((r) => r.change)).toEqual(['escalated_city', 'overdue']);
  });

  it('reads submissions without their snapshot, submitter or review note', async () => {
    const { rows, fields } = await client.query<Record<string, unknown>>('select * from grafana.submissions');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'monthly', period: '2025-05', status: 'submitted' });
    for (const hidden of ['snapshot', 'submitted_by', 'reviewed_by', 'review_note'])
      expect(fields.map((f) => f.name)).not.toContain(hidden);
  });
});

describe('migration 0013 on a database whose reader has no default privileges', () => {
  it('grants its new views to whoever reads grafana.intakes, and goes down and up again', async () => {
    const db = testDb.db;
    const grafanaViewsEscalation = migrations['0013_grafana_views_escalation'];
    if (!grafanaViewsEscalation?.down) throw new Error('migration 0013 is not listed, or has no down');
    const role = sql.id(reader.role);
    await sql`alter default privileges in schema grafana revoke select on tables from ${role}`.execute(db);
    await sql`revoke select on grafana.submissions, grafana.ledger_daily_changes from ${role}`.execute(db);
    await expect(client.query('select 1 from grafana.submissions')).rejects.toMatchObject({ code: '42501' });
    await grafanaViewsEscalation.up(db);
    await expect(client.query('select count(*) from grafana.submissions')).resolves.toMatchObject({ rows: [{ count: '1' }] });
    await expect(client.query('select count(*) from grafana.ledger_daily_changes')).resolves.toMatchObject({ rows: [{ count: '2' }] });

    await grafanaViewsEscalation.down(db);
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from information_schema.columns where table_schema = 'grafana' and column_name like 'escalated%'`.execute(
      db,
    );
    expect(rows).toEqual([{ n: 0 }]);
    await grafanaViewsEscalation.up(db);
    // down made ledger_items and ledger_events anew, and no default privilege covers them here.
    await sql`grant select on grafana.ledger_items, grafana.ledger_events to ${role}`.execute(db);
    await expect(client.query('select escalated_level from grafana.ledger_items')).resolves.toMatchObject({
      rows: [{ escalated_level: 'city' }],
    });
  });
});
