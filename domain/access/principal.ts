/**
 * Who is acting and what they may do (docs/api.md, "Access"). Every user belongs to one
 * administrative division and has one role; a machine client's API key is bound to a division and
 * a read or write scope. Scope nests by division code: a city covers its counties, the province
 * everything. Confidential intakes (boundary rivers) are seen only with the clearance.
 */
import { z } from 'zod';
import { divisionPrefix } from '../registry/index.ts';

export const ROLES = ['admin', 'staff', 'auditor'] as const;
export const role = z.enum(ROLES);
export type Role = z.infer<typeof role>;

export interface Principal {
  /** For the audit trail and the ledger's events: `user:<username>` or `key:<prefix>`. */
  actor: string;
  kind: 'user' | 'key';
  /** users.id or api_keys.id. */
  id: string;
  divisionCode: string;
  /** A key with write scope acts as staff, one with read scope as auditor. */
  role: Role;
  confidential: boolean;
}

/**
 * What a route asks of its caller: `public` (no sign-in), `read` (any signed-in user or key),
 * `write` (staff or admin, or a write key), `admin` (a signed-in admin: user management).
 * `confidential` adds the clearance.
 */
export interface AccessPolicy {
  access: 'public' | 'read' | 'write' | 'admin';
  confidential?: boolean;
}

export function permits(p: Principal, policy: AccessPolicy): boolean {
  if (policy.confidential && !p.confidential) return false;
  switch (policy.access) {
    case 'public':
    case 'read':
      return true;
    case 'write':
      return p.role === 'staff' || p.role === 'admin';
    case 'admin':
      return p.role === 'admin' && p.kind === 'user';
  }
}

/** Whether the principal's division contains `divisionCode` (a county, or a whole city it covers). */
export function covers(p: Pick<Principal, 'divisionCode'>, divisionCode: string): boolean {
  return divisionCode.startsWith(divisionPrefix(p.divisionCode));
}

/** Whether a record of this county, confidential or not, exists for the principal at all. */
export function canSee(
  p: Pick<Principal, 'divisionCode' | 'confidential'>,
  record: { countyCode: string; confidential: boolean },
): boolean {
  return covers(p, record.countyCode) && (!record.confidential || p.confidential);
}

const isProvince = (code: string) => code.endsWith('0000');

/**
 * Whether an admin may create or change a user like `target`: inside its own division, never a
 * division above its own, and the clearance only from a province admin.
 */
export function mayManage(admin: Principal, target: { divisionCode: string; confidential: boolean }): boolean {
  if (admin.role !== 'admin' || admin.kind !== 'user') return false;
  if (!covers(admin, target.divisionCode)) return false;
  return !target.confidential || (admin.confidential && isProvince(admin.divisionCode));
}

/** The province admin's clearance, needed to grant or keep a clearance. */
export function mayGrantClearance(admin: Principal): boolean {
  return admin.role === 'admin' && admin.kind === 'user' && isProvince(admin.divisionCode) && admin.confidential;
}
