/**
 * Grafana's PostgreSQL login (deploy/postgres/initdb/10-grafana-reader.sh, migration 0008) sees
 * an ordinary intake and everything of it through the views of schema `grafana`, and nothing of a
 * confidential intake: not through the views, and not through the tables, which it cannot read.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withActor } from '../platform/db/database.ts';
import { applyEvaluation } from '../domain/ledger/index.ts';
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
  await withActor(testDb.db, 'test', (trx) => trx.updateTable('intakes').set({ confidential: true }).where('id', '=', secret.intakeId).execute());
  for (const m of [ordinary, secret]) await recordActivity(m);
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
      .values({ permit_number: `GRV-P-${m.intakeId}`, intake_id: m.intakeId, issuing_level: 'county', valid_from: '2020-01-01', valid_to: '2099-12-31', annual_volume_m3: 1000 })
      .execute(),
  );
  await db
    .insertInto('daily_accounts')
    .values({ intake_id: m.intakeId, day: DAY, volume_m3: 10, status: 'measured', expected_reports: 96, received_reports: 96, completeness: 1, coverage: 1, anomalies: '[]', evidence: '[]' })
    .execute();
  const at = Date.parse(`${DAY}T12:00:00+08:00`);
  const finding = { rule: 'daily-over-limit', kind: 'item' as const, intakeId: m.intakeId, countyCode: m.countyCode, subject: m.meterId, windowStartMs: at, windowEndMs: at, summary: 'test', evidence: {} };
  await applyEvaluation(db, { findings: [finding], clear: [], now: new Date(at) });
  await db
    .insertInto('ingest_rejections')
    .values({ received_at: new Date(at), topic: `meters/${m.meterId}/readings`, meter_id: m.meterId, reason_code: 'invalid_json', reason: 'test', payload: Buffer.from('{'), payload_bytes: 1 })
    .execute();
}

/** The intake ids a view shows (through its intake column, or the meter id of a rejection). */
async function intakesIn(view: string): Promise<string[]> {
  const column = view === 'ingest_rejections' ? 'meter_id' : view === 'intakes' ? 'id::text' : 'intake_id::text';
  const sql = view === 'ledger_events' ? 'select l.intake_id::text as v from grafana.ledger_events e join grafana.ledger_items l on l.id = e.item_id' : `select ${column} as v from grafana.${view}`;
  const { rows } = await client.query<{ v: string }>(sql);
  return rows.map((r) => r.v);
}

const OF_INTAKES = ['intakes', 'permits', 'meters', 'daily_accounts', 'intake_period_totals', 'ledger_items', 'ledger_events'];
const TABLES = ['intakes', 'permits', 'meters', 'daily_accounts', 'ledger_items', 'ledger_events', 'ingest_rejections', 'withdrawal_units', 'registry_changes', 'divisions'];

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
});
