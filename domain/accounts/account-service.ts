/**
 * Recomputes daily accounts for many intake-days at once: one InfluxQL round trip per chunk of
 * intakes (readings-source.ts), the pure accounting core per intake, one upsert per chunk.
 *
 * A job names one (intake, day), but the accounts of the neighbouring days depend on it too: the
 * interval that crosses midnight is split between them (brief, section 4). So each job accounts the
 * day before, the day, and the day after; when a meter's neighbouring readings lie further away (a
 * late store-and-forward batch filling a long gap), the span widens to cover them (recomputeSpan).
 */
import type { Db } from '../../platform/db/database.ts';
import type { InfluxReader } from '../../platform/influx/readings-reader.ts';
import { DAY_MS, localDay, localDayStart } from '../../platform/local-time.ts';
import type { IntakeDay } from '../../platform/queues.ts';
import { addDays } from '../../platform/local-time.ts';
import {
  type AccountingOptions,
  computeDailyAccounts,
  type DayNeighbours,
  type MeterHistory,
  readingWindow,
  recomputeSpan,
} from './index.ts';
import { type IntakeDailyAccount, upsertAccounts } from './account-store.ts';
import { fetchReadings, type MeterReadings, type ReadingsByIntake } from './readings-source.ts';
import { fetchIntakeMeters, type IntakeMeters } from './registry-source.ts';

/** Intakes per InfluxQL query: keeps the statement and the answer of a sensible size. */
export const INTAKES_PER_QUERY = 500;

export interface AccountServiceOptions {
  db: Db;
  influx: InfluxReader;
  accounting?: Partial<AccountingOptions>;
}

export interface AccountedChunk {
  accounts: IntakeDailyAccount[];
  /** What was read from InfluxDB for it (intake -> meter -> readings). */
  readings: ReadingsByIntake;
}

interface IntakeSpan {
  intakeId: string;
  fromDay: string;
  toDay: string;
}

export class AccountService {
  private readonly o: AccountServiceOptions;
  constructor(options: AccountServiceOptions) {
    this.o = options;
  }

  /**
   * Accounts each intake-day and its neighbours; returns the accounts written, one per intake-day.
   * An intake whose span must widen is accounted again over the wider span, which contains the
   * first: its first-pass accounts are dropped, so each day is written and handed to the rules once.
   */
  async recompute(intakeDays: readonly IntakeDay[]): Promise<IntakeDailyAccount[]> {
    // Never past today: tomorrow has no readings yet, and a 'missing' row for it would mislead.
    const today = localDay(Date.now());
    const spans = mergeSpans(
      intakeDays.map((d) => ({ intakeId: d.intakeId, fromDay: addDays(d.day, -1), toDay: min(addDays(d.day, 1), max(d.day, today)) })),
    );
    const written = new Map<string, IntakeDailyAccount>();
    const wider: IntakeSpan[] = [];
    for (const group of groupBySpan(spans)) {
      const { accounts, widen } = await this.accountSpan(group.intakeIds, group.fromDay, group.toDay, intakeDays);
      const widening = new Set(widen.map((s) => s.intakeId));
      keepLatest(written, await this.store(accounts.filter((a) => !widening.has(a.intakeId))));
      wider.push(...widen);
    }
    for (const group of groupBySpan(wider)) {
      keepLatest(written, await this.store((await this.accountSpan(group.intakeIds, group.fromDay, group.toDay, [])).accounts));
    }
    return [...written.values()];
  }

  /**
   * Accounts up to INTAKES_PER_QUERY intakes over fromDay..toDay (the day close works through the
   * province chunk by chunk), and hands back the readings it read, for the rules.
   */
  async accountChunk(intakeIds: readonly string[], fromDay: string, toDay: string): Promise<AccountedChunk> {
    const { accounts, readings } = await this.accountSpan(intakeIds, fromDay, toDay, []);
    return { accounts: await this.store(accounts), readings };
  }

  private async store(accounts: IntakeDailyAccount[]): Promise<IntakeDailyAccount[]> {
    await upsertAccounts(this.o.db, accounts);
    return accounts;
  }

  /** Computes (does not store) the accounts, and the wider spans that `jobs` call for. */
  private async accountSpan(
    intakeIds: readonly string[],
    fromDay: string,
    toDay: string,
    jobs: readonly IntakeDay[],
  ): Promise<AccountedChunk & { widen: IntakeSpan[] }> {
    const window = readingWindow(fromDay, toDay, this.o.accounting);
    const [readings, registry] = await Promise.all([
      fetchReadings(this.o.influx, intakeIds, window.fetchFromMs, window.fetchToMs),
      fetchIntakeMeters(this.o.db, intakeIds),
    ]);
    const accounts: IntakeDailyAccount[] = [];
    const widen: IntakeSpan[] = [];
    for (const intakeId of intakeIds) {
      const meters = registry.get(intakeId) ?? { meters: [], replacements: [] };
      const byMeter = readings.get(intakeId) ?? new Map<string, MeterReadings>();
      const histories = historiesOf(meters, byMeter);
      for (const job of jobs.filter((j) => j.intakeId === intakeId)) {
        const needed = recomputeSpan(
          job.day,
          histories.map((h) => neighboursOf(h, job.day)),
          this.o.accounting,
        );
        if (needed.fromDay < fromDay || needed.toDay > toDay) {
          widen.push({ intakeId, fromDay: min(needed.fromDay, fromDay), toDay: max(needed.toDay, toDay) });
        }
      }
      const days = computeDailyAccounts({ fromDay, toDay, meters: histories, replacements: meters.replacements }, this.o.accounting);
      accounts.push(...days.map((d) => ({ ...d, intakeId })));
    }
    return { accounts, readings, widen: mergeSpans(widen) };
  }
}

/** Adds `accounts` to `byDay`, a later account of an intake-day replacing an earlier one. */
function keepLatest(byDay: Map<string, IntakeDailyAccount>, accounts: readonly IntakeDailyAccount[]): void {
  for (const a of accounts) byDay.set(`${a.intakeId}|${a.day}`, a);
}

const min = (a: string, b: string) => (a < b ? a : b);
const max = (a: string, b: string) => (a > b ? a : b);

function historiesOf(meters: IntakeMeters, byMeter: Map<string, MeterReadings>): MeterHistory[] {
  return meters.meters.map((meter) => {
    const r = byMeter.get(meter.meterId);
    return { meter, readings: r?.readings ?? [], before: r?.before ?? null, after: r?.after ?? null };
  });
}

/** The meter's last reading before the day's local midnight and first at or after the next one. */
function neighboursOf(h: MeterHistory, day: string): DayNeighbours {
  const start = localDayStart(day);
  const end = start + DAY_MS;
  let beforeMs = h.before?.ts ?? null;
  let afterMs = h.after?.ts ?? null;
  for (const r of h.readings) {
    if (r.ts < start && (beforeMs === null || r.ts > beforeMs)) beforeMs = r.ts;
    if (r.ts >= end && (afterMs === null || r.ts < afterMs)) afterMs = r.ts;
  }
  return { beforeMs, afterMs };
}

/** One span per intake, covering all of that intake's requested spans. */
function mergeSpans(spans: readonly IntakeSpan[]): IntakeSpan[] {
  const merged = new Map<string, IntakeSpan>();
  for (const s of spans) {
    const m = merged.get(s.intakeId);
    merged.set(s.intakeId, m ? { intakeId: s.intakeId, fromDay: min(m.fromDay, s.fromDay), toDay: max(m.toDay, s.toDay) } : { ...s });
  }
  return [...merged.values()];
}

/** Intakes with the same span share queries, in chunks of INTAKES_PER_QUERY. */
function groupBySpan(spans: readonly IntakeSpan[]): { intakeIds: string[]; fromDay: string; toDay: string }[] {
  const groups = new Map<string, IntakeSpan[]>();
  for (const s of spans) {
    const key = `${s.fromDay}|${s.toDay}`;
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  return [...groups.values()].flatMap((g) => {
    const out: { intakeIds: string[]; fromDay: string; toDay: string }[] = [];
    for (let i = 0; i < g.length; i += INTAKES_PER_QUERY) {
      const chunk = g.slice(i, i + INTAKES_PER_QUERY);
      out.push({ intakeIds: chunk.map((s) => s.intakeId), fromDay: chunk[0]?.fromDay ?? '', toDay: chunk[0]?.toDay ?? '' });
    }
    return out;
  });
}
