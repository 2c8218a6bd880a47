/**
 * The order and the chunks in which applyEvaluation works through an evaluation: every finding and
 * clear in one total order of keys (so concurrent evaluations lock rows in the same order), cut
 * into chunks that never split an (intake, rule): a clear of a whole rule must see every subject
 * the same evaluation found for that rule, and those sit next to it in the order.
 */
import type { ClearKey, EvaluationInput, Finding } from './finding.ts';
import { compareKeys, type ItemKey } from './item-key.ts';

export type Operation = { key: ItemKey; finding: Finding } | { key: ItemKey; clear: ClearKey };

export function plan(input: EvaluationInput): Operation[] {
  const operations: Operation[] = [
    ...input.findings.map((finding) => ({ key: { intakeId: finding.intakeId, rule: finding.rule, subject: finding.subject }, finding })),
    ...input.clear.map((clear) => ({ key: clear, clear })),
  ];
  return operations.sort((a, b) => compareKeys(a.key, b.key));
}

/** Consecutive runs of `operations` of about `size` each, cut only between two (intake, rule)s. */
export function chunkByRule(operations: readonly Operation[], size: number): Operation[][] {
  const chunks: Operation[][] = [];
  let current: Operation[] = [];
  for (const op of operations) {
    const last = current.at(-1);
    if (last && current.length >= size && !sameRule(last.key, op.key)) {
      chunks.push(current);
      current = [];
    }
    current.push(op);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function sameRule(a: ItemKey, b: ItemKey): boolean {
  return compareKeys({ intakeId: a.intakeId, rule: a.rule }, { intakeId: b.intakeId, rule: b.rule }) === 0;
}

/**
 * One string per problem, as ledger_items_one_open_idx tells them apart: by coalesce(intake_id, 0)
 * as a number, rule and subject (so it also matches the rows PostgreSQL returns).
 */
export function problemId(intakeId: string | null, rule: string, subject: string): string {
  return JSON.stringify([intakeId === null ? '0' : BigInt(intakeId).toString(), rule, subject]);
}
