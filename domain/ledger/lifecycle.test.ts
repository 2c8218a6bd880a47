import { describe, expect, it } from 'vitest';
import { DAY_MS, localDay } from '../../platform/local-time.ts';
import { useTestDatabase } from '../../test/database.ts';
import { registerMeters } from '../../test/fixtures/registry.ts';
import { applyEvaluation } from './apply-evaluation.ts';
import { LedgerTransitionError } from './errors.ts';
import { transitionItem } from './lifecycle.ts';
import { getItemWithEvents } from './queries.ts';
import { day, eventsOf, finding, raise, refused } from './testing/fixtures.ts';

const testDb = useTestDatabase();
const PLAN = {
  measures: '更换流量计 / replace the flow meter',
  responsibleUnit: '长春某水务公司',
  responsiblePerson: '李四',
  deadline: localDay(Date.now() + 30 * DAY_MS),
};

async function newItem(prefix: string, kind: 'item' | 'notice' = 'item'): Promise<string> {
  const [m] = await registerMeters(testDb.db, { count: 1, prefix });
  return raise(testDb.db, finding(m?.intakeId ?? null, kind === 'notice' ? { kind, rule: 'meter-offline' } : {}));
}

describe('transitionItem: the lifecycle', () => {
  it('walks raised -> confirmed -> rectifying -> rectified -> closed, writing one event per step', async () => {
    const db = testDb.db;
    const id = await newItem('LY');
    expect((await transitionItem(db, id, 'confirm', 'county:220102:zhang', { note: '现场核实 / checked on site' })).item.status).toBe(
      'confirmed',
    );
    const rectifying = await transitionItem(db, id, 'startRectifying', 'county:220102:zhang', PLAN);
    expect(rectifying.item).toMatchObject({ status: 'rectifying', ...PLAN, overdue: false });
    expect(rectifying.event).toMatchObject({
      action: 'rectifying',
      fromStatus: 'confirmed',
      toStatus: 'rectifying',
      actor: 'county:220102:zhang',
      data: PLAN,
    });
    await transitionItem(db, id, 'markRectified', 'unit:li', { evidence: '新表检定证书 / calibration certificate of the new meter' });
    const closed = await transitionItem(db, id, 'close', 'county:220102:wang', { note: '复核通过 / verified' });
    expect(closed.item).toMatchObject({
      status: 'closed',
      rectificationEvidence: '新表检定证书 / calibration certificate of the new meter',
    });

    const history = await getItemWithEvents(db, id);
    expect(history?.events.map((e) => [e.action, e.fromStatus, e.toStatus, e.actor, e.note])).toEqual([
      ['raised', null, 'raised', 'monitor', finding(null).summary],
      ['confirmed', 'raised', 'confirmed', 'county:220102:zhang', '现场核实 / checked on site'],
      ['rectifying', 'confirmed', 'rectifying', 'county:220102:zhang', null],
      ['rectified', 'rectifying', 'rectified', 'unit:li', null],
      ['closed', 'rectified', 'closed', 'county:220102:wang', '复核通过 / verified'],
    ]);
    for (const e of history?.events ?? []) expect(Date.parse(e.at)).not.toBeNaN();
  });

  it('reopens a rectified item whose verification failed, and a closed item, back to rectifying', async () => {
    const db = testDb.db;
    const id = await newItem('LR');
    await transitionItem(db, id, 'confirm', 'u', {});
    await transitionItem(db, id, 'startRectifying', 'u', PLAN);
    await transitionItem(db, id, 'markRectified', 'u', { evidence: 'photo' });
    const reopened = await transitionItem(db, id, 'reopen', 'verifier', { note: '照片不能证明 / photo does not show the meter' });
    expect(reopened.item.status).toBe('rectifying');
    expect(reopened.event).toMatchObject({ action: 'reopened', fromStatus: 'rectified', toStatus: 'rectifying' });
    await transitionItem(db, id, 'markRectified', 'u', { evidence: 'certificate' });
    await transitionItem(db, id, 'close', 'verifier', {});
    expect((await transitionItem(db, id, 'reopen', 'verifier', { note: 'problem is back' })).item.status).toBe('rectifying');
    expect((await eventsOf(db, id)).map((e) => e.action)).toEqual([
      'raised',
      'confirmed',
      'rectifying',
      'rectified',
      'reopened',
      'rectified',
      'closed',
      'reopened',
    ]);
  });

  it('refuses to reopen a closed item once the monitor raised its recurrence', async () => {
    const db = testDb.db;
    const [m] = await registerMeters(db, { count: 1, prefix: 'LS' });
    const intakeId = m?.intakeId ?? '';
    const id = await raise(db, finding(intakeId));
    await transitionItem(db, id, 'confirm', 'u', {});
    await transitionItem(db, id, 'startRectifying', 'u', PLAN);
    await transitionItem(db, id, 'markRectified', 'u', { evidence: 'e' });
    await transitionItem(db, id, 'close', 'u', {});
    await applyEvaluation(db, {
      findings: [finding(intakeId, { windowEndMs: day('2026-07-01') })],
      clear: [],
      now: new Date(day('2026-07-01')),
    });
    const error = await refused(transitionItem(db, id, 'reopen', 'u', { note: 'again' }));
    expect(error.code).toBe('invalid_transition');
    expect(error.message).toMatch(/entry \d+ is open for the same problem/);
  });

  it('refuses transitions the table does not allow, with the stable code, and changes nothing', async () => {
    const db = testDb.db;
    const id = await newItem('LX');
    for (const work of [
      () => transitionItem(db, id, 'markRectified', 'u', { evidence: 'x' }),
      () => transitionItem(db, id, 'close', 'u', {}),
      () => transitionItem(db, id, 'startRectifying', 'u', PLAN),
      () => transitionItem(db, id, 'reopen', 'u', { note: 'n' }),
    ]) {
      const error = await refused(work());
      expect(error.code).toBe('invalid_transition');
      expect(error.message).toMatch(/is allowed from .*, but the item is raised/);
    }
    await transitionItem(db, id, 'dismiss', 'u', { reason: 'duplicate of a manual inspection record' });
    expect((await refused(transitionItem(db, id, 'confirm', 'u', {}))).code).toBe('invalid_transition');
    expect((await eventsOf(db, id)).map((e) => e.action)).toEqual(['raised', 'dismissed']);
  });

  it('requires a reason to dismiss, and records it', async () => {
    const db = testDb.db;
    const id = await newItem('LD');
    for (const payload of [{}, { reason: '' }, { reason: '   ' }]) {
      // @ts-expect-error -- a caller without the types (the API body) may send anything
      const error = await refused(transitionItem(db, id, 'dismiss', 'u', payload));
      expect(error.code).toBe('invalid_payload');
      expect(error.message).toMatch(/^dismiss: reason: /);
    }
    const dismissed = await transitionItem(db, id, 'dismiss', 'u', { reason: '  误报：表计维修期间 / false alarm: meter under repair ' });
    expect(dismissed.item).toMatchObject({ status: 'dismissed', dismissalReason: '误报：表计维修期间 / false alarm: meter under repair' });
    expect(dismissed.event.note).toBe('误报：表计维修期间 / false alarm: meter under repair');
  });

  it('requires measures, responsible unit, responsible person and a real deadline to start rectifying', async () => {
    const db = testDb.db;
    const id = await newItem('LP');
    await transitionItem(db, id, 'confirm', 'u', {});
    const withoutMeasures = { responsibleUnit: PLAN.responsibleUnit, responsiblePerson: PLAN.responsiblePerson, deadline: PLAN.deadline };
    // @ts-expect-error -- missing field on purpose
    expect((await refused(transitionItem(db, id, 'startRectifying', 'u', withoutMeasures))).message).toMatch(/measures/);
    const withoutPeople = { measures: PLAN.measures, deadline: PLAN.deadline };
    // @ts-expect-error -- missing fields on purpose
    const people = await refused(transitionItem(db, id, 'startRectifying', 'u', withoutPeople));
    expect(people.code).toBe('invalid_payload');
    expect(people.message).toMatch(/responsibleUnit: .*responsiblePerson: /);
    for (const deadline of ['2026-02-30', '30/06/2026', '']) {
      const error = await refused(transitionItem(db, id, 'startRectifying', 'u', { ...PLAN, deadline }));
      expect(error.code).toBe('invalid_payload');
      expect(error.message).toMatch(/deadline/);
    }
    expect((await getItemWithEvents(db, id))?.item.status).toBe('confirmed');
  });

  it('lets a person only dismiss a notice', async () => {
    const db = testDb.db;
    const id = await newItem('LN', 'notice');
    const error = await refused(transitionItem(db, id, 'confirm', 'u', {}));
    expect(error.code).toBe('invalid_transition');
    expect(error.message).toMatch(/confirm does not apply to a notice/);
    expect((await transitionItem(db, id, 'dismiss', 'u', { reason: 'known outage' })).item.status).toBe('dismissed');
  });

  it('answers not_found for an unknown or malformed id and invalid_payload for an empty actor', async () => {
    const db = testDb.db;
    expect((await refused(transitionItem(db, '999999999', 'confirm', 'u', {}))).code).toBe('not_found');
    expect((await refused(transitionItem(db, 'abc', 'confirm', 'u', {}))).code).toBe('not_found');
    const id = await newItem('LA');
    expect((await refused(transitionItem(db, id, 'confirm', ' ', {}))).code).toBe('invalid_payload');
    // @ts-expect-error -- an action outside the table
    expect((await refused(transitionItem(db, id, 'escalate', 'u', {}))).code).toBe('invalid_transition');
  });

  it('serialises two people confirming the same item at once: one wins, the other is refused', async () => {
    const db = testDb.db;
    const id = await newItem('LC');
    const results = await Promise.allSettled([transitionItem(db, id, 'confirm', 'a', {}), transitionItem(db, id, 'confirm', 'b', {})]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejection = results.find((r) => r.status === 'rejected');
    expect(rejection?.reason).toBeInstanceOf(LedgerTransitionError);
    expect((rejection?.reason as LedgerTransitionError).code).toBe('invalid_transition');
    expect((await eventsOf(db, id)).map((e) => e.action)).toEqual(['raised', 'confirmed']);
  });
});
