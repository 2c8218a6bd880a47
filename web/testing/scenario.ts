/**
 * A county's over-permit intake as the review page's tests see it: three days of the meter
 * simulator's readings with its over-permit scenario (three times the permit's rate) written to
 * InfluxDB as ingest writes them, accounted and evaluated by the domain services as the monitor
 * does, so that the ledger holds the items those rules raise. Plus a quiet intake in the same county
 * for the map, and the users who work the items.
 */
import { createUser, type Role } from '../../domain/access/index.ts';
import { AccountService } from '../../domain/accounts/index.ts';
import { IntakeEvaluator } from '../../domain/evaluation/index.ts';
import { withActor, type Db } from '../../platform/db/database.ts';
import type { InfluxStore } from '../../platform/influx/influx-store.ts';
import { addDays, DAY_MS, localDay, localDayStart } from '../../platform/local-time.ts';
import { createLogger } from '../../platform/logger.ts';
import { writeSimulatedReadings } from '../../test/fixtures/meter-traffic.ts';
import { type FixtureMeter, registerMeters } from '../../test/fixtures/registry.ts';

const ANNUAL_M3 = 2_000_000;
export const PASSWORD = 'review-page-test-password';

export interface ReviewScenario {
  overPermit: FixtureMeter;
  quiet: FixtureMeter;
  days: string[];
  users: { county: string; otherCounty: string; city: string };
}

async function permit(db: Db, m: FixtureMeter): Promise<void> {
  await withActor(db, 'test', (trx) =>
    trx
      .insertInto('permits')
      .values({
        permit_number: `WEB-P-${m.intakeId}`,
        intake_id: m.intakeId,
        issuing_level: 'county',
        valid_from: '2020-01-01',
        valid_to: '2099-12-31',
        annual_volume_m3: ANNUAL_M3,
        monthly_plan_m3: Array.from({ length: 12 }, () => Math.round(ANNUAL_M3 / 12)),
        daily_limit_m3: 8000,
        max_rate_m3h: 400,
      })
      .execute(),
  );
}

async function user(db: Db, username: string, divisionCode: string, role: Role = 'staff'): Promise<string> {
  await createUser(db, { username, divisionCode, role, confidential: false, password: PASSWORD }, 'test');
  return username;
}

export async function buildReviewScenario(db: Db, influx: InfluxStore, nowMs = Date.now()): Promise<ReviewScenario> {
  const today = localDay(nowMs);
  const days = [addDays(today, -3), addDays(today, -2), addDays(today, -1)];
  const [overPermit] = await registerMeters(db, { count: 1, prefix: 'WEB-O', countyCode: '220102', registerMaxM3: 99_999_999 });
  const [quiet] = await registerMeters(db, { count: 1, prefix: 'WEB-Q', countyCode: '220102', registerMaxM3: 99_999_999 });
  if (!overPermit || !quiet) throw new Error('the fixture registered no meter');
  await permit(db, overPermit);
  await permit(db, quiet);

  await influx.ensureDatabase();
  const from = localDayStart(days[0] ?? today);
  for (const [i, m] of [overPermit, quiet].entries()) {
    await writeSimulatedReadings(influx, m, {
      fromMs: from - 3600_000,
      toMs: from + 3 * DAY_MS + 3600_000,
      seed: 7 + i,
      annualVolumeM3: ANNUAL_M3,
      maxRateM3h: 400,
      scenarios: m === overPermit ? [{ name: 'over-permit', params: { factor: 3 } }] : [],
    });
  }

  const ids = [overPermit.intakeId, quiet.intakeId];
  const accounts = await new AccountService({ db, influx }).recompute(ids.flatMap((intakeId) => days.map((day) => ({ intakeId, day }))));
  const evaluator = new IntakeEvaluator({ db, influx, logger: createLogger('test', 'silent') });
  const now = new Date(from + 3 * DAY_MS + 2 * 3600_000);
  await evaluator.evaluateAccounts(accounts, now);
  await evaluator.evaluateRegistry(ids, now);

  return {
    overPermit,
    quiet,
    days,
    users: {
      county: await user(db, 'web-county', '220102'),
      otherCounty: await user(db, 'web-other-county', '220103'),
      city: await user(db, 'web-city', '220100'),
    },
  };
}
