/** A message as a simulated meter sends it, and the draft the generation pipeline passes along. */
import type { Reading } from '../../domain/telemetry/index.ts';

/**
 * - live: one reading, sent at its time;
 * - backlog: a store-and-forward batch {"readings": [...]} of readings missed while offline;
 * - duplicate: an earlier message sent again unchanged (same payload);
 * - malformed: a message that breaks the contract (see `defect`).
 */
export type MessageKind = 'live' | 'backlog' | 'duplicate' | 'malformed';

export const MALFORMED_DEFECTS = [
  'invalid-json',
  'missing-total',
  'negative-total',
  'nan-string',
  'ts-without-offset',
  'wrong-types',
  'empty-batch',
  'too-many-readings',
  'oversize',
] as const;
export type MalformedDefect = (typeof MALFORMED_DEFECTS)[number];

export interface SimulatedMessage {
  /** The id in the topic: the member's meterId, or another id for an unregistered meter. */
  meterId: string;
  topic: string;
  /** The UTF-8 JSON text sent (or the broken text, for a malformed message). */
  payload: string;
  /** When the meter sends it (epoch ms): the publishing clock waits for this in realtime mode. */
  sentAtMs: number;
  kind: MessageKind;
  /** The readings the payload carries, as the contract parses them (ts in epoch ms); [] when malformed. */
  readings: Reading[];
  /** What is wrong with a malformed message. */
  defect?: MalformedDefect;
}

/** A message before its payload text is written: scenarios reshape the stream at this stage. */
export interface MessageDraft {
  kind: MessageKind;
  /** Index of the (last) reading's tick on the meter's time grid. */
  tick: number;
  sentAtMs: number;
  readings: Reading[];
  /** Send as {"readings": [...]} even with one reading. */
  batch: boolean;
  /** Set only for malformed drafts: the exact text to send. */
  payload?: string;
  defect?: MalformedDefect;
}
