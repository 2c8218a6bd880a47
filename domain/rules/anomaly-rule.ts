/**
 * The metering-anomaly rules read what the accounting core found (DailyAccount.anomalies): one
 * finding per meter and rule, listing each anomaly once with the days whose figures it touches.
 * The thresholds that made them (stuck 1 h, mismatch 5 %, drift 5 min, flags) are the accounting
 * options, carried in RuleOptions.accounting and cited in the evidence.
 */
import type { Anomaly, AnomalyKind } from '../accounts/index.ts';
import type { RuleId } from './catalogue.ts';
import { bilingual } from './format.ts';
import type { FindingDraft, IntakeRule, RuleContext } from './rule.ts';
import type { Evidence, JsonValue } from './types.ts';

export type AnomalyOf<K extends AnomalyKind> = Extract<Anomaly, { kind: K }>;

/** A plain-data copy typed as JSON (anomalies are numbers and strings only). */
export function toJson(value: object): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

export interface AnomalyRuleSpec<K extends AnomalyKind> {
  id: RuleId;
  kind: K;
  /** One sentence per language about a meter's anomalies (time-ordered, at least one). */
  describe(meterId: string, anomalies: AnomalyOf<K>[], ctx: RuleContext): { zh: string; en: string };
  /** The thresholds that applied, for the evidence. */
  thresholds(ctx: RuleContext): Evidence;
}

export function anomalyRule<K extends AnomalyKind>(spec: AnomalyRuleSpec<K>): IntakeRule {
  const isKind = (a: Anomaly): a is AnomalyOf<K> => a.kind === spec.kind;
  return {
    id: spec.id,
    evaluate(ctx) {
      if (ctx.accounts.length === 0) return null;
      const meters = new Set<string>();
      const found = new Map<string, { anomaly: AnomalyOf<K>; days: string[] }>();
      for (const account of ctx.accounts) {
        for (const e of account.evidence) meters.add(e.meterId);
        for (const a of account.anomalies.filter(isKind)) {
          meters.add(a.meterId);
          const key = JSON.stringify(a);
          const entry = found.get(key) ?? { anomaly: a, days: [] };
          entry.days.push(account.day);
          found.set(key, entry);
        }
      }
      const byMeter = new Map<string, { anomaly: AnomalyOf<K>; days: string[] }[]>();
      for (const entry of found.values()) byMeter.set(entry.anomaly.meterId, [...(byMeter.get(entry.anomaly.meterId) ?? []), entry]);
      const findings: FindingDraft[] = [];
      for (const [meterId, entries] of [...byMeter].sort(([a], [b]) => (a < b ? -1 : 1))) {
        entries.sort((x, y) => x.anomaly.fromMs - y.anomaly.fromMs || x.anomaly.toMs - y.anomaly.toMs);
        const anomalies = entries.map((e) => e.anomaly);
        const text = spec.describe(meterId, anomalies, ctx);
        findings.push({
          subject: meterId,
          windowStartMs: Math.min(...anomalies.map((a) => a.fromMs)),
          windowEndMs: Math.max(...anomalies.map((a) => a.toMs)),
          summary: bilingual(text.zh, text.en),
          evidence: {
            meterId,
            thresholds: spec.thresholds(ctx),
            anomalies: entries.map((e) => ({ ...(toJson(e.anomaly) as Evidence), days: e.days })),
          },
        });
      }
      return { findings, checked: [...meters].sort() };
    },
  };
}
