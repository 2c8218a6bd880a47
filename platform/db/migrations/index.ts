/**
 * Every migration, in order. Listed explicitly (not read from the folder) so that the set that
 * runs is the set that was reviewed and type-checked. Never edit a migration that has shipped:
 * add the next one.
 */
import type { Migration } from 'kysely';
import * as registry from './0001_registry.ts';
import * as ingestRejections from './0002_ingest_rejections.ts';
import * as monitor from './0003_monitor.ts';
import * as accountTotals from './0004_account_totals.ts';
import * as ledgerFingerprint from './0005_ledger_fingerprint.ts';
import * as monthlyReports from './0006_monthly_reports.ts';
import * as rejectionOnce from './0007_rejection_once.ts';
import * as grafanaViews from './0008_grafana_views.ts';
import * as access from './0009_access.ts';
import * as ledgerWorkflow from './0010_ledger_workflow.ts';
import * as submissions from './0011_submissions.ts';
import * as apiIndexes from './0012_api_indexes.ts';
import * as grafanaViewsEscalation from './0013_grafana_views_escalation.ts';

export const migrations: Record<string, Migration> = {
  '0001_registry': registry,
  '0002_ingest_rejections': ingestRejections,
  '0003_monitor': monitor,
  '0004_account_totals': accountTotals,
  '0005_ledger_fingerprint': ledgerFingerprint,
  '0006_monthly_reports': monthlyReports,
  '0007_rejection_once': rejectionOnce,
  '0008_grafana_views': grafanaViews,
  '0009_access': access,
  '0010_ledger_workflow': ledgerWorkflow,
  '0011_submissions': submissions,
  '0012_api_indexes': apiIndexes,
  '0013_grafana_views_escalation': grafanaViewsEscalation,
};
