/** The registry of intake rules, in catalogue order. (unregistered-meter has no intake: see unregistered.ts.) */
import type { IntakeRule } from '../rule.ts';
import { accuracyClass } from './accuracy-class.ts';
import { annualEarlyWarning } from './annual-early-warning.ts';
import { annualOverPermit } from './annual-over-permit.ts';
import { calibrationOverdue } from './calibration-overdue.ts';
import { clockDrift } from './clock-drift.ts';
import { dailyCompleteness } from './daily-completeness.ts';
import { dailyOverLimit } from './daily-over-limit.ts';
import { flowVolumeMismatch } from './flow-volume-mismatch.ts';
import { meterFaultFlag } from './meter-fault-flag.ts';
import { meterOffline } from './meter-offline.ts';
import { meterReplacementDue } from './meter-replacement-due.ts';
import { meterSilent } from './meter-silent.ts';
import { monthlyCompleteness } from './monthly-completeness.ts';
import { monthlyEarlyWarning } from './monthly-early-warning.ts';
import { monthlyOverPlan } from './monthly-over-plan.ts';
import { onlineMeteringMissing } from './online-metering-missing.ts';
import { outsideHours } from './outside-hours.ts';
import { outsideSeason } from './outside-season.ts';
import { permitRenewalDue } from './permit-renewal-due.ts';
import { rateExcess } from './rate-excess.ts';
import { stuckRegister } from './stuck-register.ts';
import { totalizerRollback } from './totalizer-rollback.ts';
import { totalizerRollover } from './totalizer-rollover.ts';
import { unpermittedWithdrawal } from './unpermitted-withdrawal.ts';

export const INTAKE_RULES: readonly IntakeRule[] = Object.freeze([
  unpermittedWithdrawal,
  permitRenewalDue,
  annualOverPermit,
  annualEarlyWarning,
  monthlyOverPlan,
  monthlyEarlyWarning,
  dailyOverLimit,
  rateExcess,
  outsideSeason,
  outsideHours,
  onlineMeteringMissing,
  meterOffline,
  meterSilent,
  dailyCompleteness,
  monthlyCompleteness,
  calibrationOverdue,
  meterReplacementDue,
  accuracyClass,
  totalizerRollback,
  totalizerRollover,
  stuckRegister,
  flowVolumeMismatch,
  clockDrift,
  meterFaultFlag,
]);
