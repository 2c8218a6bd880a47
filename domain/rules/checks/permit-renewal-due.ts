/**
 * Permit renewal due (notice): a permit in force today expires within renewalNoticeDays (45) and no
 * later permit is recorded for the intake (the regulation asks for renewal 45 days ahead).
 */
import { daysBetween, localDayEnd } from '../../../platform/local-time.ts';
import { bilingual } from '../format.ts';
import { isInForce, permitRef } from '../permits.ts';
import type { FindingDraft, IntakeRule } from '../rule.ts';

export const permitRenewalDue: IntakeRule = {
  id: 'permit-renewal-due',
  evaluate(ctx) {
    const { permits } = ctx.input;
    const noticeDays = ctx.options.renewalNoticeDays;
    const inForce = permits.filter((p) => isInForce(p, ctx.today));
    const findings: FindingDraft[] = [];
    for (const p of inForce) {
      const daysLeft = daysBetween(ctx.today, p.validTo);
      if (daysLeft > noticeDays) continue;
      // A renewal is any valid permit of the intake that runs beyond this one.
      if (permits.some((q) => q !== p && q.status === 'valid' && q.validTo > p.validTo)) continue;
      findings.push({
        subject: p.permitNumber,
        windowStartMs: ctx.now,
        windowEndMs: localDayEnd(p.validTo),
        summary: bilingual(
          `取水许可证 ${p.permitNumber} 将于 ${p.validTo} 到期（剩余 ${daysLeft} 天），尚未登记延续`,
          `Permit ${p.permitNumber} expires on ${p.validTo} (${daysLeft} days left) and no renewal is recorded`,
        ),
        evidence: { permit: permitRef(p), today: ctx.today, daysLeft, renewalNoticeDays: noticeDays, renewalRecorded: false },
      });
    }
    return { findings, checked: inForce.map((p) => p.permitNumber) };
  },
};
