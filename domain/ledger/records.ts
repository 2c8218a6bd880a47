/** Database rows of the ledger to the records the workers and the API see (camelCase, ISO times). */
import type { Selectable } from 'kysely';
import type { LedgerEventsTable, LedgerItemsTable } from '../../platform/db/schema.ts';
import { isOverdue } from './overdue.ts';
import { type LedgerEvent, ledgerEventAction, type LedgerItem, ledgerStatus } from './schemas.ts';

export type LedgerItemRow = Selectable<LedgerItemsTable>;
export type LedgerEventRow = Selectable<LedgerEventsTable>;

/** `today` is the local date (Asia/Shanghai) against which `overdue` is judged. */
export function itemFromRow(row: LedgerItemRow, today: string): LedgerItem {
  return {
    id: row.id,
    kind: row.kind,
    rule: row.rule,
    intakeId: row.intake_id,
    countyCode: row.county_code,
    subject: row.subject,
    status: row.status,
    summary: row.summary,
    evidence: row.evidence,
    windowStart: row.window_start.toISOString(),
    windowEnd: row.window_end.toISOString(),
    firstDetectedAt: row.first_detected_at.toISOString(),
    lastDetectedAt: row.last_detected_at.toISOString(),
    detections: row.detections,
    conditionClearedAt: row.condition_cleared_at?.toISOString() ?? null,
    previousItemId: row.previous_item_id,
    dismissalReason: row.dismissal_reason,
    measures: row.measures,
    responsibleUnit: row.responsible_unit,
    responsiblePerson: row.responsible_person,
    deadline: row.deadline,
    rectificationEvidence: row.rectification_evidence,
    overdue: isOverdue(row, today),
    overdueMarkedAt: row.overdue_marked_at?.toISOString() ?? null,
    escalatedLevel: row.escalated_level,
    escalatedAt: row.escalated_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function eventFromRow(row: LedgerEventRow): LedgerEvent {
  return {
    id: row.id,
    itemId: row.item_id,
    at: row.at.toISOString(),
    actor: row.actor,
    // The table's CHECK constraints hold the same lists; parse() only narrows the column types.
    action: ledgerEventAction.parse(row.action),
    fromStatus: row.from_status === null ? null : ledgerStatus.parse(row.from_status),
    toStatus: row.to_status === null ? null : ledgerStatus.parse(row.to_status),
    note: row.note,
    data: row.data,
  };
}
