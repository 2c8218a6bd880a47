/**
 * The thresholds of water-use accounting, in one typed object. Defaults follow the brief (section 4,
 * "Metering not to standard") where it names a figure; the others are this module's choices and
 * docs/accounting.md says why. Rules are configurable per province or intake: the caller passes
 * overrides, which are checked here so a bad setting fails loudly instead of skewing accounts.
 */

/** Status flags of the meter contract (domain/telemetry/meter-contract.ts) that can raise an anomaly. */
export type FaultFlag = 'tamper' | 'powerOff' | 'reverseFlow' | 'lowBattery';

export interface AccountingOptions {
  /** Volumes are kept as integers of 10^-volumeDecimals m³ so daily sums are exact (3: litres). */
  volumeDecimals: number;
  /** A drop is a register rollover when (max − prev) + new is at most this share of registerMaxM3. */
  rolloverWindowFraction: number;
  /** ... or at most this many times the meter's maxPlausibleFlowM3h over the interval, if larger. */
  rolloverFlowFactor: number;
  /** Stuck register: flow reported while the totalizer stands still for at least this long. */
  stuckRegisterMinMs: number;
  /** Flow counts as "reported" for the stuck-register rule when above this. */
  stuckRegisterMinFlowM3h: number;
  /** Flow/volume inconsistency: daily |totalizer − flow estimate| / larger of the two above this. */
  flowMismatchFraction: number;
  /** ... checked only when the larger of the two volumes reaches this (tiny volumes are noise). */
  flowCheckMinVolumeM3: number;
  /** ... using only intervals no longer than this many reporting intervals (gaps say nothing of flow). */
  flowCheckMaxIntervalFactor: number;
  /** Clock drift: a reading's ts and its arrival (receivedMs) further apart than this. */
  clockDriftMaxMs: number;
  /** Status flags that are recorded as anomalies when a reading sets them. */
  faultFlags: readonly FaultFlag[];
}

export const DEFAULT_ACCOUNTING_OPTIONS: Readonly<AccountingOptions> = Object.freeze({
  volumeDecimals: 3,
  rolloverWindowFraction: 0.01,
  rolloverFlowFactor: 2,
  stuckRegisterMinMs: 3_600_000, // brief: [1 hour]
  stuckRegisterMinFlowM3h: 0, // brief: "flow reported"
  flowMismatchFraction: 0.05, // brief: [> 5 %]
  flowCheckMinVolumeM3: 1,
  flowCheckMaxIntervalFactor: 2,
  clockDriftMaxMs: 300_000, // brief: [> 5 minutes]
  faultFlags: Object.freeze(['tamper', 'powerOff', 'reverseFlow'] as const),
});

const FAULT_FLAGS: readonly FaultFlag[] = ['tamper', 'powerOff', 'reverseFlow', 'lowBattery'];

export class AccountingOptionsError extends Error {
  override name = 'AccountingOptionsError';
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new AccountingOptionsError(message);
}

/** The defaults with `overrides` applied, validated. */
export function resolveAccountingOptions(overrides: Partial<AccountingOptions> = {}): AccountingOptions {
  const o: AccountingOptions = { ...DEFAULT_ACCOUNTING_OPTIONS, ...overrides };
  // 6 decimals (millilitres) keeps totals up to 10^9 m³ far inside exact double integers (2^53).
  check(Number.isInteger(o.volumeDecimals) && o.volumeDecimals >= 0 && o.volumeDecimals <= 6, 'volumeDecimals must be an integer 0..6');
  check(o.rolloverWindowFraction >= 0 && o.rolloverWindowFraction < 0.5, 'rolloverWindowFraction must be in [0, 0.5)');
  check(o.rolloverFlowFactor >= 0 && Number.isFinite(o.rolloverFlowFactor), 'rolloverFlowFactor must be finite and >= 0');
  check(Number.isInteger(o.stuckRegisterMinMs) && o.stuckRegisterMinMs > 0, 'stuckRegisterMinMs must be a positive integer');
  check(o.stuckRegisterMinFlowM3h >= 0 && Number.isFinite(o.stuckRegisterMinFlowM3h), 'stuckRegisterMinFlowM3h must be finite and >= 0');
  check(o.flowMismatchFraction > 0 && o.flowMismatchFraction < 1, 'flowMismatchFraction must be in (0, 1)');
  check(o.flowCheckMinVolumeM3 >= 0 && Number.isFinite(o.flowCheckMinVolumeM3), 'flowCheckMinVolumeM3 must be finite and >= 0');
  check(
    o.flowCheckMaxIntervalFactor >= 1 && Number.isFinite(o.flowCheckMaxIntervalFactor),
    'flowCheckMaxIntervalFactor must be finite and >= 1',
  );
  check(Number.isInteger(o.clockDriftMaxMs) && o.clockDriftMaxMs > 0, 'clockDriftMaxMs must be a positive integer');
  check(
    o.faultFlags.every((f) => FAULT_FLAGS.includes(f)),
    `faultFlags must be among ${FAULT_FLAGS.join(', ')}`,
  );
  return Object.freeze({ ...o, faultFlags: Object.freeze([...new Set(o.faultFlags)]) });
}

/** Integer volume units per m³ (1000 for litres). */
export function unitsPerM3(o: AccountingOptions): number {
  return 10 ** o.volumeDecimals;
}
