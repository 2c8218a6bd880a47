/** Which permit governs a day or a period, and how a permit appears in evidence. */
import type { Evidence } from './types.ts';
import type { RulePermit } from './types.ts';

/** Valid (not suspended or revoked) and within its dates on `day`. */
export function isInForce(p: RulePermit, day: string): boolean {
  return p.status === 'valid' && p.validFrom <= day && day <= p.validTo;
}

/** Most recent first; the permit number breaks ties so the choice does not depend on input order. */
function byRecency(a: RulePermit, b: RulePermit): number {
  if (a.validFrom !== b.validFrom) return a.validFrom < b.validFrom ? 1 : -1;
  return a.permitNumber < b.permitNumber ? -1 : a.permitNumber > b.permitNumber ? 1 : 0;
}

/** The permit in force on `day`: of several, the most recently issued (a renewal replaces its predecessor). */
export function permitOnDay(permits: readonly RulePermit[], day: string): RulePermit | null {
  return permits.filter((p) => isInForce(p, day)).sort(byRecency)[0] ?? null;
}

/** The permit governing a period: the most recent valid one whose dates overlap firstDay..lastDay. */
export function permitForPeriod(permits: readonly RulePermit[], firstDay: string, lastDay: string): RulePermit | null {
  return permits.filter((p) => p.status === 'valid' && p.validFrom <= lastDay && p.validTo >= firstDay).sort(byRecency)[0] ?? null;
}

export type NoPermitReason = 'none' | 'expired' | 'not-yet-valid' | 'suspended' | 'revoked';

/** Why no permit is in force on `day`, and the permit that comes closest (for the evidence). */
export function noPermitReason(permits: readonly RulePermit[], day: string): { reason: NoPermitReason; permit: RulePermit | null } {
  const covering = permits.filter((p) => p.validFrom <= day && day <= p.validTo).sort(byRecency)[0];
  if (covering) return { reason: covering.status === 'revoked' ? 'revoked' : 'suspended', permit: covering };
  const expired = permits.filter((p) => p.validTo < day).sort((a, b) => (a.validTo < b.validTo ? 1 : a.validTo > b.validTo ? -1 : 0))[0];
  if (expired) return { reason: 'expired', permit: expired };
  const future = permits
    .filter((p) => p.validFrom > day)
    .sort(byRecency)
    .at(-1);
  if (future) return { reason: 'not-yet-valid', permit: future };
  return { reason: 'none', permit: null };
}

export function permitRef(p: RulePermit): Evidence {
  return { id: p.id, permitNumber: p.permitNumber, validFrom: p.validFrom, validTo: p.validTo, status: p.status };
}
