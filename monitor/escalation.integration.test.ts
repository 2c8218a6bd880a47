/**
 * The daily escalation as the monitor schedules it: a simulated month of 00:30 runs through the
 * monitor's ScheduledWork, with the rules file's ledger delays, read back as the per-day summary.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { escalationSummary, transitionItem } from '../domain/ledger/index.ts';
import { finding, principal, raise, registeredIntake } from '../domain/ledger/testing/fixtures.ts';
import { RuleConfig } from '../domain/evaluation/index.ts';
import { InfluxStore } from '../platform/influx/influx-store.ts';
import { addDays, localDayStart } from '../platform/local-time.ts';
import { useTestDatabase } from '../test/database.ts';
import { testInfluxConfig } from '../test/services/influxdb.ts';
import { type ScheduledWork, SCHEDULES } from './schedules.ts';
import { useTestMonitors } from './testing/monitors.ts';

const testDb = useTestDatabase();
const monitors = useTestMonitors({ testDb, influx: new InfluxStore(testInfluxConfig()) });
// A city keeps an escalated item 5 days before the province gets it (default 30).
const service = () => monitors({ rules: RuleConfig.from({ ledger: { escalateToProvinceAfterDays: 5 } }, 'test') });
let scheduled: ScheduledWork;
beforeAll(() => {
  scheduled = service().scheduled;
});

async function rectifying(prefix: string, deadline: string): Promise<string> {
  const id = await raise(testDb.db, finding(await registeredIntake(testDb.db, prefix), { subject: prefix }));
  await transitionItem(testDb.db, id, 'confirm', 'user:test', {});
  await transitionItem(testDb.db, id, 'startRectifying', 'user:test', {
    measures: '整改',
    responsibleUnit: '单位',
    responsiblePerson: '张三',
    deadline,
  });
  return id;
}

describe('the escalation schedule', () => {
  it('runs daily at 00:30 local time', () => {
    expect(SCHEDULES.find((s) => s.name === 'escalation')?.repeat).toEqual({ pattern: '30 0 * * *', tz: 'Asia/Shanghai' });
  });

  it('over a month, marks items overdue and escalates them with the rules file delays', async () => {
    const late = await rectifying('MX-A', '2026-07-10');
    const onTime = await rectifying('MX-B', '2026-07-20');
    for (let d = '2026-07-01'; d <= '2026-07-31'; d = addDays(d, 1)) {
      if (d === '2026-07-15') await transitionItem(testDb.db, onTime, 'markRectified', 'user:test', { evidence: '已整改' });
      const due = new Date(localDayStart(d) + 30 * 60_000);
      // The worker may run a little late: the day is the one it was due for.
      await scheduled.run('escalation', new Date(due.getTime() + 90_000), due);
      // A second run on the day (a retry) changes nothing.
      if (d === '2026-07-12') await scheduled.run('escalation', due, due);
    }
    const province = principal('province', '220000');
    expect(await escalationSummary(testDb.db, province, { from: '2026-07-01', to: '2026-07-31' })).toEqual([
      { day: '2026-07-11', overdue: [late], escalatedToCity: [late], escalatedToProvince: [] },
      { day: '2026-07-16', overdue: [], escalatedToCity: [], escalatedToProvince: [late] },
    ]);
    const events = await testDb.db
      .selectFrom('ledger_events')
      .select(['action', 'actor'])
      .where('item_id', '=', late)
      .where('action', 'in', ['overdue', 'escalated'])
      .execute();
    expect(events).toEqual([
      { action: 'overdue', actor: 'system:escalation' },
      { action: 'escalated', actor: 'system:escalation' },
      { action: 'escalated', actor: 'system:escalation' },
    ]);
  });
});
