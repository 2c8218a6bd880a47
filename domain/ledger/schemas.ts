/**
 * The ledger's vocabulary and the shapes that cross its boundary (workers, HTTP API): one zod schema
 * each, the single source of its TypeScript type. The lists mirror the CHECK constraints of
 * migration 0003 (ledger_items.status, ledger_events.action).
 */
import { z } from 'zod';

export const LEDGER_KINDS = ['item', 'notice'] as const;
export const ledgerKind = z.enum(LEDGER_KINDS);
export type LedgerKind = z.infer<typeof ledgerKind>;

export const LEDGER_STATUSES = ['raised', 'confirmed', 'dismissed', 'rectifying', 'rectified', 'closed', 'resolved'] as const;
export const ledgerStatus = z.enum(LEDGER_STATUSES);
export type LedgerStatus = z.infer<typeof ledgerStatus>;

/** Statuses that end an entry: outside the one-open-per-key unique index (ledger_items_one_open_idx). */
export const TERMINAL_STATUSES = ['dismissed', 'closed', 'resolved'] as const satisfies readonly LedgerStatus[];

export const LEDGER_EVENT_ACTIONS = [
  'raised',
  'updated',
  'cleared',
  'recurred',
  'confirmed',
  'dismissed',
  'rectifying',
  'rectified',
  'closed',
  'resolved',
  'reopened',
  // Written by the daily escalation (escalation.ts), never by a person.
  'overdue',
  'escalated',
] as const;
export const ledgerEventAction = z.enum(LEDGER_EVENT_ACTIONS);
export type LedgerEventAction = z.infer<typeof ledgerEventAction>;

/** Database ids are bigint; they travel as decimal strings. */
export const ledgerId = z.string().regex(/^[1-9][0-9]{0,18}$/, 'expected a positive integer id');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const optionalNote = text(2000).optional();

// ------------------------------------------------------------------------- transition payloads

export const confirmPayload = z.object({ note: optionalNote });
export const dismissPayload = z.object({
  reason: text(2000).describe('Why the entry is not a problem (required: the brief asks for a reason)'),
  note: optionalNote,
});
export const startRectifyingPayload = z.object({
  measures: text(4000).describe('Rectification measures (整改措施)'),
  responsibleUnit: text(200).describe('Responsible unit (责任单位)'),
  responsiblePerson: text(100).describe('Responsible person (责任人)'),
  deadline: z.iso.date().describe('Rectification deadline, local date YYYY-MM-DD (整改时限)'),
  note: optionalNote,
});
export const markRectifiedPayload = z.object({
  evidence: text(4000).describe('What shows the rectification was done (整改证明)'),
  note: optionalNote,
});
export const closePayload = z.object({ note: optionalNote.describe('Verification note (核查意见)') });
export const reopenPayload = z.object({ note: text(2000).describe('Why the item is reopened') });

/** Payload schema per lifecycle action: the action names are the keys. */
export const transitionPayloads = {
  confirm: confirmPayload,
  dismiss: dismissPayload,
  startRectifying: startRectifyingPayload,
  markRectified: markRectifiedPayload,
  close: closePayload,
  reopen: reopenPayload,
} as const;
export type LedgerAction = keyof typeof transitionPayloads;
export const LEDGER_ACTIONS = Object.keys(transitionPayloads) as [LedgerAction, ...LedgerAction[]];
export const ledgerAction = z.enum(LEDGER_ACTIONS);
/** What a caller passes for `action` (before trimming). */
export type TransitionPayload<A extends LedgerAction> = z.input<(typeof transitionPayloads)[A]>;

/** One request body for the API: `{ "action": "dismiss", "reason": "..." }`. */
export const transitionRequest = z.discriminatedUnion('action', [
  confirmPayload.extend({ action: z.literal('confirm') }),
  dismissPayload.extend({ action: z.literal('dismiss') }),
  startRectifyingPayload.extend({ action: z.literal('startRectifying') }),
  markRectifiedPayload.extend({ action: z.literal('markRectified') }),
  closePayload.extend({ action: z.literal('close') }),
  reopenPayload.extend({ action: z.literal('reopen') }),
]);
export type TransitionRequest = z.infer<typeof transitionRequest>;

// ---------------------------------------------------------------------------------- list filter

const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

export const ledgerListFilter = z.object({
  countyPrefix: z
    .string()
    .regex(/^[1-9][0-9]{1,5}$/, 'expected the leading 2 to 6 digits of a division code')
    .optional()
    .describe('Entries whose county code starts with this (22: province, 2201: city, 220102: county)'),
  status: ledgerStatus.optional(),
  kind: ledgerKind.optional(),
  rule: z.string().min(1).max(100).optional(),
  intakeId: ledgerId.optional(),
  overdue: flag.optional().describe('true: past the deadline (Asia/Shanghai) while confirmed or rectifying'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type LedgerListFilter = z.input<typeof ledgerListFilter>;

// ---------------------------------------------------------------------------------------- records

const instant = z.iso.datetime({ offset: true });

export const ledgerItem = z.object({
  id: ledgerId,
  kind: ledgerKind,
  rule: z.string(),
  intakeId: ledgerId.nullable(),
  countyCode: z.string(),
  subject: z
    .string()
    .describe(
      'What inside the intake it is about (meter id, permit number); for the intake as a whole its code, or code@YYYY-MM for a month',
    ),
  status: ledgerStatus,
  summary: z.string(),
  evidence: z.unknown(),
  windowStart: instant,
  windowEnd: instant,
  firstDetectedAt: instant,
  lastDetectedAt: instant,
  detections: z.number().int(),
  conditionClearedAt: instant.nullable().describe('Set while the rule no longer finds the problem'),
  previousItemId: ledgerId.nullable().describe('The earlier entry for the same problem, when this one is a recurrence'),
  dismissalReason: z.string().nullable(),
  measures: z.string().nullable(),
  responsibleUnit: z.string().nullable(),
  responsiblePerson: z.string().nullable(),
  deadline: z.iso.date().nullable(),
  rectificationEvidence: z.string().nullable(),
  overdue: z.boolean().describe('Past the deadline (Asia/Shanghai) while confirmed or rectifying'),
  overdueMarkedAt: instant.nullable().describe('When the daily escalation first recorded the item overdue'),
  escalatedLevel: z
    .enum(['city', 'province'])
    .nullable()
    .describe("The level an overdue item was escalated to: it is in that level's queue"),
  escalatedAt: instant.nullable(),
  createdAt: instant,
  updatedAt: instant,
});
export type LedgerItem = z.infer<typeof ledgerItem>;

export const ledgerEvent = z.object({
  id: ledgerId,
  itemId: ledgerId,
  at: instant,
  actor: z.string(),
  action: ledgerEventAction,
  fromStatus: ledgerStatus.nullable(),
  toStatus: ledgerStatus.nullable(),
  note: z.string().nullable(),
  data: z.unknown(),
});
export type LedgerEvent = z.infer<typeof ledgerEvent>;

export const ledgerItemWithEvents = z.object({ item: ledgerItem, events: z.array(ledgerEvent) });
export type LedgerItemWithEvents = z.infer<typeof ledgerItemWithEvents>;
