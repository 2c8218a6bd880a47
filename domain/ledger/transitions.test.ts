import { describe, expect, it } from 'vitest';
import { isOverdue } from './overdue.ts';
import { LEDGER_STATUSES, transitionRequest } from './schemas.ts';
import { allowedActions } from './transitions.ts';

describe('the transition table', () => {
  it('allows each item status exactly the brief’s next steps', () => {
    const table = Object.fromEntries(LEDGER_STATUSES.map((status) => [status, allowedActions({ kind: 'item', status })]));
    expect(table).toEqual({
      raised: ['confirm', 'dismiss'],
      confirmed: ['dismiss', 'startRectifying'],
      dismissed: [],
      rectifying: ['markRectified'],
      rectified: ['close', 'reopen'],
      closed: ['reopen'],
      resolved: [],
    });
  });

  it('lets a person only dismiss a raised notice', () => {
    expect(allowedActions({ kind: 'notice', status: 'raised' })).toEqual(['dismiss']);
    expect(allowedActions({ kind: 'notice', status: 'resolved' })).toEqual([]);
  });

  it('judges overdue against the local date, only while the deadline is still owed', () => {
    expect(isOverdue({ status: 'rectifying', deadline: '2026-06-10' }, '2026-06-11')).toBe(true);
    expect(isOverdue({ status: 'rectifying', deadline: '2026-06-10' }, '2026-06-10')).toBe(false);
    expect(isOverdue({ status: 'rectified', deadline: '2026-06-10' }, '2026-06-11')).toBe(false);
    expect(isOverdue({ status: 'confirmed', deadline: null }, '2026-06-11')).toBe(false);
  });

  it('parses one API body per action', () => {
    expect(transitionRequest.parse({ action: 'dismiss', reason: ' false alarm ' })).toEqual({ action: 'dismiss', reason: 'false alarm' });
    expect(transitionRequest.safeParse({ action: 'dismiss' }).success).toBe(false);
    expect(
      transitionRequest.safeParse({ action: 'startRectifying', measures: 'm', responsibleUnit: 'u', responsiblePerson: 'p' }).success,
    ).toBe(false);
  });
});
