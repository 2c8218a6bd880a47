/** Counts of a publishing run, while it runs (progress) and at its end (report). */

export interface PublishProgress {
  /** Messages handed to a connection. */
  published: number;
  /** Messages the broker acknowledged (PUBACK with success). */
  acked: number;
  /** Messages refused by the broker (e.g. PUBACK "not authorized") or lost with their connection. */
  failed: number;
  /** Times a message was sent again because the broker said no subscription matched it (PUBACK reason code 16). */
  resent: number;
  /** Published but not yet settled. */
  inFlight: number;
  /** The expected number of messages, when the caller knows or estimates it. */
  expectedTotal: number | undefined;
  elapsedMs: number;
}

export interface PublishReport extends PublishProgress {
  /** Acknowledged messages per second over the whole run. */
  ackedPerS: number;
  /** Retained online/offline messages of per-meter connections (not in the counts above). */
  statusMessages: number;
  /** True when stopped early by the abort signal. */
  aborted: boolean;
  /** The distinct reasons of failures (at most 10). */
  errors: string[];
}

/** One line for a person watching a long run. */
export function formatProgress(p: PublishProgress): string {
  const seconds = p.elapsedMs / 1000;
  const total = p.expectedTotal === undefined ? '' : `/~${p.expectedTotal}`;
  const rate = seconds > 0 ? Math.round(p.acked / seconds) : 0;
  return `published ${p.published}${total}, acked ${p.acked}, failed ${p.failed}, resent ${p.resent}, in flight ${p.inFlight}, ${rate} msg/s, ${seconds.toFixed(1)} s`;
}
