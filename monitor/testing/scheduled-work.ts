/** The monitor's scheduled work wired straight to the stores, as monitor-service.ts wires it: for tests and the benchmark. */
import { AccountService } from '../../domain/accounts/index.ts';
import { IntakeEvaluator, type IntakeEvaluatorOptions } from '../../domain/evaluation/index.ts';
import { ScheduledWork } from '../schedules.ts';

export function scheduledWorkOn(stores: IntakeEvaluatorOptions): ScheduledWork {
  const { db, influx, logger, rules } = stores;
  const accounts = new AccountService({ db, influx, ...(rules ? { accounting: rules.accounting } : {}) });
  return new ScheduledWork({ db, accounts, evaluator: new IntakeEvaluator(stores), logger });
}
