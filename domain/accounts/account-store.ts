/** daily_accounts in PostgreSQL: upserted whole, so recomputing a day with the same data changes nothing. */
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { DailyAccount } from './index.ts';

const CHUNK = 1000;

export interface IntakeDailyAccount extends DailyAccount {
  intakeId: string;
}

export async function upsertAccounts(db: Db, accounts: readonly IntakeDailyAccount[]): Promise<void> {
  for (let i = 0; i < accounts.length; i += CHUNK) {
    const rows = accounts.slice(i, i + CHUNK).map((a) => ({
      intake_id: a.intakeId,
      day: a.day,
      volume_m3: a.volumeM3,
      status: a.status,
      expected_reports: a.expectedReports,
      received_reports: a.receivedReports,
      completeness: a.completeness,
      coverage: a.coverage,
      peak_flow_m3h: a.peakFlowM3h,
      first_total_m3: a.firstTotalM3,
      last_total_m3: a.lastTotalM3,
      anomalies: JSON.stringify(a.anomalies),
      evidence: JSON.stringify(a.evidence),
    }));
    await db
      .insertInto('daily_accounts')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['intake_id', 'day']).doUpdateSet((eb) => ({
          volume_m3: eb.ref('excluded.volume_m3'),
          status: eb.ref('excluded.status'),
          expected_reports: eb.ref('excluded.expected_reports'),
          received_reports: eb.ref('excluded.received_reports'),
          completeness: eb.ref('excluded.completeness'),
          coverage: eb.ref('excluded.coverage'),
          peak_flow_m3h: eb.ref('excluded.peak_flow_m3h'),
          first_total_m3: eb.ref('excluded.first_total_m3'),
          last_total_m3: eb.ref('excluded.last_total_m3'),
          anomalies: eb.ref('excluded.anomalies'),
          evidence: eb.ref('excluded.evidence'),
          computed_at: sql<Date>`now()`,
        })),
      )
      .execute();
  }
}
