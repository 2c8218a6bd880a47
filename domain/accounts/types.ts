/**
 * Input and output of the water-use accounting core (docs/accounting.md). The core is pure: the
 * caller reads the readings from InfluxDB and the meters and replacements from PostgreSQL, and
 * stores the accounts it returns.
 */
import type { MeterStatusFlags } from '../telemetry/index.ts';
import type { FaultFlag } from './options.ts';

// ---------------------------------------------------------------------------------------- input

/** One stored reading of a meter (fields of domain/telemetry/point-layout.ts). */
export interface AccountReading {
  /** The meter's timestamp, epoch ms. */
  ts: number;
  totalM3: number;
  flowM3h?: number | undefined;
  status?: MeterStatusFlags | undefined;
  /** When ingest received the reading (FIELD.receivedMs), epoch ms; absent for imported data. */
  receivedMs?: number | undefined;
}

export interface MeterAttributes {
  meterId: string;
  reportingIntervalS: number;
  /** The register value at which the totalizer wraps to zero; null when unknown (no rollover is then recognised). */
  registerMaxM3: number | null;
  /**
   * The largest flow the meter can plausibly see: the largest `max_rate_m3h` of the intake's permits.
   * Optional: it widens the rollover window for long gaps, when a wrap can exceed 1 % of the register.
   */
  maxPlausibleFlowM3h?: number | null | undefined;
  /**
   * When the meter went into service, if not by a registered replacement (e.g. local midnight of
   * its installed_on date). Before it the meter is not expected to report. Absent: always in service.
   */
  inServiceFromMs?: number | null | undefined;
}

/** A registered meter replacement (table meter_replacements). */
export interface MeterReplacement {
  oldMeterId: string;
  newMeterId: string;
  replacedAtMs: number;
  oldFinalTotalM3: number;
  newInitialTotalM3: number;
}

/**
 * What the caller fetches per meter for a span: see readingWindow() in span.ts. A superset is fine
 * as long as it has no holes (every reading between two given ones is given too).
 */
export interface MeterHistory {
  meter: MeterAttributes;
  /** Every reading with fetchFromMs <= ts < fetchToMs, in any order; duplicates are harmless. */
  readings: readonly AccountReading[];
  /** The last reading with ts < fetchFromMs, if there is one. */
  before: AccountReading | null;
  /** The first reading with ts >= fetchToMs, if there is one. */
  after: AccountReading | null;
}

export interface IntakeAccountInput {
  /** First and last local day (YYYY-MM-DD, Asia/Shanghai) to account, inclusive. */
  fromDay: string;
  toDay: string;
  /** Every meter of the intake that was in service at some time in the span (and its context). */
  meters: readonly MeterHistory[];
  /** The registered replacements involving these meters; others are ignored. */
  replacements: readonly MeterReplacement[];
}

// --------------------------------------------------------------------------------------- output

/**
 * measured: volume from data covering the whole day, with at least one reading in it.
 * zero:     the whole day is covered and the totalizer did not advance (no withdrawal).
 * partial:  part of the day has no data (the volume is a lower bound), or no reading falls in the
 *           day and its volume is its time share of an interval that spans it.
 * missing:  no reading in the day and no interval across it: volume unknown (null).
 */
export type DayStatus = 'measured' | 'zero' | 'partial' | 'missing';

export interface DailyAccount {
  /** Local day, YYYY-MM-DD. */
  day: string;
  /** Rounded to volumeDecimals; null only when missing. */
  volumeM3: number | null;
  /** 86400 / reportingIntervalS per meter, pro rata to the part of the day the meter was in service. */
  expectedReports: number;
  /** Distinct reading timestamps in the day, summed over meters. */
  receivedReports: number;
  /** Sum over meters of min(received, expected) / sum of expected; 0 when nothing was expected. */
  completeness: number;
  /** Share (0..1) of the day's in-service meter time whose volume is known from an interval. */
  coverage: number;
  /** Largest instantaneous flow reported in the day. */
  peakFlowM3h: number | null;
  /** Totalizer of the day's first and last reading (any meter). */
  firstTotalM3: number | null;
  lastTotalM3: number | null;
  status: DayStatus;
  anomalies: Anomaly[];
  evidence: MeterDayEvidence[];
}

/** One meter's part of a day: enough for a person to redo the figure. */
export interface MeterDayEvidence {
  meterId: string;
  volumeM3: number;
  expectedReports: number;
  receivedReports: number;
  /** Milliseconds of the day the meter was in service, and of those covered by an interval of known volume. */
  inServiceMs: number;
  coveredMs: number;
  firstTotalM3: number | null;
  lastTotalM3: number | null;
  /** The intervals that overlap the day; consecutive plain intervals inside the day are merged. */
  segments: VolumeSegment[];
}

/** Where a point of the totalizer curve comes from: a reading, or a replacement's registered totals. */
export type PointOrigin = 'reading' | 'registered-final' | 'registered-initial';

/**
 * advance:  new total − previous total.
 * rollover: the register wrapped: (registerMax − previous) + new.
 * rollback: the totalizer went back without a rollover or replacement: 0, accounting restarts.
 */
export type IntervalKind = 'advance' | 'rollover' | 'rollback';

export interface SegmentEnd {
  ms: number;
  totalM3: number;
  origin: PointOrigin;
}

export interface VolumeSegment {
  kind: IntervalKind;
  from: SegmentEnd;
  to: SegmentEnd;
  /** Reading intervals merged into this segment. */
  intervals: number;
  /** Volume of the whole segment, and the part of it that falls in this day (time-proportional). */
  volumeM3: number;
  dayVolumeM3: number;
}

// ------------------------------------------------------------------------------------ anomalies

interface AnomalyBase {
  meterId: string;
  /** The time range of the evidence (readings' timestamps). */
  fromMs: number;
  toMs: number;
}

/** The totalizer wrapped at the register maximum; counted as (max − from) + to. */
export interface RolloverAnomaly extends AnomalyBase {
  kind: 'rollover';
  fromTotalM3: number;
  toTotalM3: number;
  registerMaxM3: number;
  volumeM3: number;
}

/** The totalizer went back without a rollover or a registered replacement; the interval counts 0. */
export interface RollbackAnomaly extends AnomalyBase {
  kind: 'rollback';
  fromTotalM3: number;
  toTotalM3: number;
  dropM3: number;
}

/**
 * A registered replacement (meterId is the new meter): volume across it is
 * (oldFinal − lastOldReading) + (firstNewReading − newInitial); a part is null while its reading is unknown.
 */
export interface ReplacementAnomaly extends AnomalyBase {
  kind: 'meter-replacement';
  oldMeterId: string;
  newMeterId: string;
  replacedAtMs: number;
  lastOldTotalM3: number | null;
  oldFinalTotalM3: number;
  newInitialTotalM3: number;
  firstNewTotalM3: number | null;
  oldPartM3: number | null;
  newPartM3: number | null;
}

/** Flow reported while the totalizer stood still for >= stuckRegisterMinMs (range clipped to the day). */
export interface StuckRegisterAnomaly extends AnomalyBase {
  kind: 'stuck-register';
  totalM3: number;
  maxFlowM3h: number;
  readings: number;
}

/** The day's totalizer volume and the volume the reported flows imply differ by more than allowed. */
export interface FlowVolumeMismatchAnomaly extends AnomalyBase {
  kind: 'flow-volume-mismatch';
  intervals: number;
  volumeM3: number;
  flowVolumeM3: number;
  /** |volume − flowVolume| / max(volume, flowVolume). */
  deviation: number;
}

/**
 * ahead:  a reading's ts is later than its arrival by more than allowed (the clock runs fast).
 * behind: no reading of the day arrived within the allowed time of its ts (clock slow, or only late batches).
 */
export interface ClockDriftAnomaly extends AnomalyBase {
  kind: 'clock-drift';
  direction: 'ahead' | 'behind';
  readings: number;
  /** The reading that shows it best: the largest lead (ahead) or the smallest lag (behind). */
  worstTs: number;
  worstReceivedMs: number;
}

/** A status flag set by the meter. */
export interface FaultFlagAnomaly extends AnomalyBase {
  kind: 'fault-flag';
  flag: FaultFlag;
  readings: number;
  firstTotalM3: number;
  lastTotalM3: number;
}

export type Anomaly =
  | RolloverAnomaly
  | RollbackAnomaly
  | ReplacementAnomaly
  | StuckRegisterAnomaly
  | FlowVolumeMismatchAnomaly
  | ClockDriftAnomaly
  | FaultFlagAnomaly;

export type AnomalyKind = Anomaly['kind'];
