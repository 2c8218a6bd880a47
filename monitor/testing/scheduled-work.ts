/** The monitor's scheduled work wired straight to the stores, as monitor-service.ts wires it: for tests and the benchmark. */
import { AccountService } from '../accounting/account-service.ts';
import { IntakeEvaluator, type IntakeEvaluatorOptions } from '../evaluation/intake-evaluator.ts';
import { ScheduledWork } from '../schedules.ts';

export function scheduledWorkOn(stores: IntakeEvaluatorOptions): ScheduledWork {
  const { db, influx, logger } = stores;
  return new ScheduledWork({ db, accounts: new AccountService({ db, influx }), evaluator: new IntakeEvaluator(stores), logger });
}
