import { describe, expect, it } from 'vitest';
import { canSee, covers, mayManage, permits, type Principal } from './principal.ts';

const p = (divisionCode: string, role: Principal['role'], confidential = false, kind: Principal['kind'] = 'user'): Principal => ({
  actor: 'user:x',
  kind,
  id: '1',
  divisionCode,
  role,
  confidential,
});

describe('access policies and scopes', () => {
  it('lets every role read, staff and admins write, admins manage users', () => {
    expect(permits(p('220102', 'auditor'), { access: 'read' })).toBe(true);
    expect(permits(p('220102', 'auditor'), { access: 'write' })).toBe(false);
    expect(permits(p('220102', 'staff'), { access: 'write' })).toBe(true);
    expect(permits(p('220102', 'staff'), { access: 'admin' })).toBe(false);
    expect(permits(p('220102', 'admin', false, 'key'), { access: 'admin' })).toBe(false);
    expect(permits(p('220000', 'staff'), { access: 'read', confidential: true })).toBe(false);
    expect(permits(p('220000', 'staff', true), { access: 'read', confidential: true })).toBe(true);
  });

  it('nests scopes by division code', () => {
    expect(covers(p('220000', 'staff'), '220102')).toBe(true);
    expect(covers(p('220100', 'staff'), '220102')).toBe(true);
    expect(covers(p('220100', 'staff'), '220202')).toBe(false);
    expect(covers(p('220102', 'staff'), '220103')).toBe(false);
    expect(canSee(p('220102', 'staff'), { countyCode: '220102', confidential: true })).toBe(false);
    expect(canSee(p('220000', 'auditor', true), { countyCode: '220102', confidential: true })).toBe(true);
  });

  it('lets an admin manage its own division and below, and only a cleared province admin grant the clearance', () => {
    expect(mayManage(p('220100', 'admin'), { divisionCode: '220102', confidential: false })).toBe(true);
    expect(mayManage(p('220100', 'admin'), { divisionCode: '220000', confidential: false })).toBe(false);
    expect(mayManage(p('220100', 'admin', true), { divisionCode: '220102', confidential: true })).toBe(false);
    expect(mayManage(p('220000', 'admin', true), { divisionCode: '220102', confidential: true })).toBe(true);
    expect(mayManage(p('220000', 'staff', true), { divisionCode: '220102', confidential: false })).toBe(false);
  });
});
