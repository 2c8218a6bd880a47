/**
 * Transitions on behalf of a principal, with the rules of duty (issue 18; docs/ledger.md, "Rules
 * of duty"): the caller must see the entry (else not_found), auditors only read, the user who
 * marked an item rectified does not verify (close) it, and a county's item is closed by a city or
 * province user when the rules file says so. Checked on the locked row inside the transition's
 * transaction, so a concurrent transition cannot slip between the check and the change.
 */
import type { Principal } from '../access/index.ts';
import { canSee } from '../access/index.ts';
import type { DbTransaction, Db } from '../../platform/db/database.ts';
import { type AttachmentInput, checkAttachments, storeAttachments } from './attachments.ts';
import { LedgerTransitionError } from './errors.ts';
import { transitionItem, type TransitionResult } from './lifecycle.ts';
import type { LedgerItemRow } from './records.ts';
import {
  type LedgerAction,
  type LedgerKind,
  type LedgerStatus,
  ledgerAction,
  type TransitionPayload,
  type TransitionRequest,
} from './schemas.ts';
import { levelOf } from './scope.ts';
import { refusal, TRANSITIONS } from './transitions.ts';
import { DEFAULT_LEDGER_WORKFLOW, type LedgerWorkflowOptions } from './workflow-options.ts';

export interface DutyContext {
  kind: LedgerKind;
  status: LedgerStatus;
  countyCode: string;
  /** The actor of the latest `rectified` event, if any. */
  rectifiedBy: string | null;
}

/** Why a rule of duty refuses `action` to the principal, or null (the lifecycle table is checked apart). */
export function dutyRefusal(p: Principal, action: LedgerAction, entry: DutyContext, o: LedgerWorkflowOptions): string | null {
  if (p.role === 'auditor') return 'auditors read the ledger but do not change it';
  if (action === 'close') {
    if (entry.rectifiedBy === p.actor)
      return `separation of duties: ${p.actor} marked the item rectified, so another user verifies and closes it`;
    if (o.closeNeedsUpperLevel && levelOf(entry.countyCode) === 'county' && levelOf(p.divisionCode) === 'county') {
      return "a county's item is closed after verification by a city or province user (rules file: ledger.closeNeedsUpperLevel)";
    }
  }
  return null;
}

/** The actions the principal may take on the entry now: allowed by the lifecycle and by the rules of duty. */
export function allowedActionsFor(p: Principal, entry: DutyContext, o: LedgerWorkflowOptions = DEFAULT_LEDGER_WORKFLOW): LedgerAction[] {
  return (Object.keys(TRANSITIONS) as LedgerAction[]).filter((a) => refusal(a, entry) === null && dutyRefusal(p, a, entry, o) === null);
}

export interface TransitionAsOptions {
  workflow?: LedgerWorkflowOptions;
  /** Files kept with the transition's event (attachments.ts: JPEG, PNG or PDF, at most 20 MB each). */
  attachments?: readonly AttachmentInput[];
  /**
   * The item as the caller last saw it (optimistic concurrency, e.g. from an If-Match header):
   * when it has changed since, the transition is refused as invalid_transition (409) rather than
   * applied to a state the caller did not see (confirm and dismiss are both legal from raised,
   * and dismiss is still legal after another user's confirm).
   */
  expected?: { status?: LedgerStatus; updatedAt?: string };
}

export interface TransitionAsResult extends TransitionResult {
  attachmentIds: string[];
}

async function isConfidential(trx: DbTransaction, intakeId: string | null): Promise<boolean> {
  if (intakeId === null) return false;
  const row = await trx.selectFrom('intakes').select('confidential').where('id', '=', intakeId).executeTakeFirst();
  return row?.confidential ?? false;
}

/** The actor of the latest `rectified` event: that user may not close the item. */
export async function rectifiedBy(db: Db | DbTransaction, itemId: string): Promise<string | null> {
  const row = await db
    .selectFrom('ledger_events')
    .select('actor')
    .where('item_id', '=', itemId)
    .where('action', '=', 'rectified')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.actor ?? null;
}

/**
 * Applies `request` (the API body: `{ action, ...payload }`) to entry `itemId` as `p`, with its
 * attachments, all or nothing. Throws LedgerTransitionError: not_found (also for an entry the
 * caller may not see), forbidden (a rule of duty), invalid_transition (the lifecycle refuses it,
 * e.g. another user's transition won the race: the API answers 409), invalid_payload,
 * attachment_too_large, attachment_type.
 */
export async function transitionAs(
  db: Db,
  p: Principal,
  itemId: string,
  request: TransitionRequest | { action: string },
  o: TransitionAsOptions = {},
): Promise<TransitionAsResult> {
  const parsedAction = ledgerAction.safeParse(request.action);
  if (!parsedAction.success) throw new LedgerTransitionError('invalid_transition', `unknown action '${request.action}'`);
  const action = parsedAction.data;
  const workflow = o.workflow ?? DEFAULT_LEDGER_WORKFLOW;
  const files = checkAttachments(o.attachments ?? []);
  const payload: Record<string, unknown> = { ...request };
  delete payload.action;
  let attachmentIds: string[] = [];
  const guard = async (trx: DbTransaction, row: LedgerItemRow): Promise<void> => {
    if (!canSee(p, { countyCode: row.county_code, confidential: await isConfidential(trx, row.intake_id) })) {
      throw new LedgerTransitionError('not_found', `ledger entry ${itemId} not found`);
    }
    if (o.expected?.status !== undefined && o.expected.status !== row.status) {
      throw new LedgerTransitionError(
        'invalid_transition',
        `cannot ${action} entry ${itemId}: it is ${row.status} now, not ${o.expected.status} (changed by someone else)`,
      );
    }
    if (o.expected?.updatedAt !== undefined && Date.parse(o.expected.updatedAt) !== row.updated_at.getTime()) {
      throw new LedgerTransitionError(
        'invalid_transition',
        `cannot ${action} entry ${itemId}: it changed at ${row.updated_at.toISOString()}, after the version given`,
      );
    }
    // The lifecycle's refusal comes first: a step that is not possible anyway is a conflict, not a duty.
    if (refusal(action, row) !== null) return;
    const refused = dutyRefusal(
      p,
      action,
      {
        kind: row.kind,
        status: row.status,
        countyCode: row.county_code,
        rectifiedBy: action === 'close' ? await rectifiedBy(trx, row.id) : null,
      },
      workflow,
    );
    if (refused !== null) throw new LedgerTransitionError('forbidden', `cannot ${action} entry ${itemId}: ${refused}`);
  };
  const result = await transitionItem(db, itemId, action, p.actor, payload as TransitionPayload<typeof action>, {
    guard,
    after: async (trx, r) => {
      attachmentIds = await storeAttachments(trx, { itemId, eventId: r.event.id, uploadedBy: p.actor }, files);
    },
  });
  return { ...result, attachmentIds };
}
