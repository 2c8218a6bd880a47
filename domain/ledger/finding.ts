/**
 * What the ledger takes from an evaluation. The rules engine (domain/rules) produces Findings of
 * exactly this shape; it is restated here, structurally, so the ledger depends on no rule catalogue.
 */

export interface Finding {
  rule: string;
  kind: 'item' | 'notice';
  /** Null only when the intake is unknown (readings from an unregistered meter). */
  intakeId: string | null;
  countyCode: string;
  /** What inside the intake it is about (meter id, permit number); part of the dedup key. */
  subject: string;
  windowStartMs: number;
  windowEndMs: number;
  summary: string;
  /** JSON-serialisable; stored as jsonb and compared as jsonb (key order does not matter). */
  evidence: unknown;
  /**
   * The rule's stable identity of the condition found, for a condition that continues and is found
   * again with moving figures (e.g. a silent meter: `${meterId}@${sinceMs}`, the last reading it
   * has been silent since). A finding whose fingerprint equals its open item's (whose condition
   * has not cleared) refreshes the item without an event, however its evidence, summary or window
   * moved; a different fingerprint is a new episode, an `updated` event. Without one, any change
   * of evidence, summary, county or window is an `updated` event (docs/ledger.md, "Findings").
   */
  fingerprint?: string;
}

/**
 * A (intake, rule[, subject]) evaluated without a finding: an open entry on it has cleared.
 * Without `subject`, every subject of the rule on that intake has cleared.
 */
export interface ClearKey {
  intakeId: string | null;
  rule: string;
  subject?: string;
}

export interface EvaluationInput {
  findings: readonly Finding[];
  clear: readonly ClearKey[];
  /** The evaluation's time: detection times, cleared times and event times. */
  now: Date;
  /** Recorded on every event. Default 'monitor'. */
  actor?: string;
}

export interface EvaluationCounts {
  /** New entries (including recurrences of a closed or dismissed one). */
  raised: number;
  /** Open entries whose evidence, summary or window changed (for a fingerprinted finding: whose fingerprint changed). */
  updated: number;
  /** Open items whose cleared condition came back. */
  recurred: number;
  /** Open items marked condition-cleared (they stay open until a person closes them). */
  cleared: number;
  /** Notices resolved because their condition cleared. */
  resolved: number;
  /**
   * Findings or clears that wrote no event: they matched what the ledger already held, or found
   * the same condition (fingerprint) again and only refreshed the open item's evidence and window.
   */
  unchanged: number;
}
