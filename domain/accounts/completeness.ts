/**
 * Data completeness (brief: "daily data completeness [< 95 % of expected reports warns]"): how many
 * reports a meter should have sent in a day against how many distinct timestamps arrived.
 */

/** Reports a meter owes for `inServiceMs` of a day; fractional when the interval does not divide it. */
export function expectedReports(inServiceMs: number, reportingIntervalS: number): number {
  return inServiceMs / (reportingIntervalS * 1000);
}

/**
 * min(1, received / expected) over the meters of an intake, each meter capped at what it owes: a
 * meter reporting twice as often as registered must not hide a silent second meter.
 * 0 when nothing was expected (no meter in service): there is no data, whatever the reason.
 */
export function completeness(meters: readonly { expected: number; received: number }[]): number {
  let expected = 0;
  let counted = 0;
  for (const m of meters) {
    expected += m.expected;
    counted += Math.min(m.received, m.expected);
  }
  return expected > 0 ? Math.min(1, counted / expected) : 0;
}
