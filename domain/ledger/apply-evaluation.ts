/**
 * Turns one evaluation (findings, and what was evaluated clean) into ledger entries, in one
 * transaction (docs/ledger.md, "Findings"). The work is set-based, a chunk of keys at a time
 * (apply-chunk.ts), so a province's day close (tens of thousands of findings and clears) takes a
 * few statements per chunk rather than a few per finding. Several monitor processes may apply
 * evaluations of the same intake at once; correctness rests on the unique index
 * ledger_items_one_open_idx (one open entry per intake, rule and subject) and on row locks, not on
 * the callers taking turns.
 */
import type { Db } from '../../platform/db/database.ts';
import { applyChunk } from './apply-chunk.ts';
import { chunkByRule, plan } from './evaluation-plan.ts';
import type { EvaluationCounts, EvaluationInput } from './finding.ts';

const DEFAULT_ACTOR = 'monitor';
/** Attempts at the whole transaction when PostgreSQL aborts it as a deadlock victim. */
const TRANSACTION_ATTEMPTS = 3;
/** Findings and clears per chunk: a statement's arrays stay small while a chunk's round trips stay few. */
const CHUNK_KEYS = 2000;

export async function applyEvaluation(db: Db, input: EvaluationInput): Promise<EvaluationCounts> {
  const actor = input.actor ?? DEFAULT_ACTOR;
  const chunks = chunkByRule(plan(input), CHUNK_KEYS);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        const counts: EvaluationCounts = { raised: 0, updated: 0, recurred: 0, cleared: 0, resolved: 0, unchanged: 0 };
        for (const chunk of chunks) {
          const chunkCounts = await applyChunk(trx, chunk, input.now, actor);
          for (const outcome of Object.keys(counts) as (keyof EvaluationCounts)[]) counts[outcome] += chunkCounts[outcome];
        }
        return counts;
      });
    } catch (err) {
      if (attempt >= TRANSACTION_ATTEMPTS || !isRetriable(err)) throw err;
    }
  }
}

/** Deadlock victim or serialization failure: the transaction rolled back and may simply run again. */
function isRetriable(err: unknown): boolean {
  const code = err instanceof Error && 'code' in err ? err.code : undefined;
  return code === '40P01' || code === '40001';
}
