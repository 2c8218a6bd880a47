/**
 * A meter that comes online in the middle of its run (the CLI's --history): it kept what it measured
 * and forwards it when it connects, as a store-and-forward meter forwards what it kept while offline
 * (docs/meter-contract.md): {"readings": [...]} batches of at most 1000, oldest first. The monitor
 * then sees a backlog, as from a real meter back from an outage, rather than a day of single
 * readings arriving together long after their stamps (docs/simulators.md, "Catching up").
 */
import { MAX_READINGS_PER_MESSAGE, type Reading } from '../../domain/telemetry/index.ts';
import type { MessageDraft } from './simulated-message.ts';

/**
 * The drafts due before `atMs` go out at `atMs`: their readings as backlog batches, a malformed or
 * repeated message in its place between them. A meter whose first message after `atMs` is a
 * backlog was offline then (an offline gap under way): it forwards the history when it is back,
 * just before that backlog, as it could not have sent anything at `atMs`.
 */
export function* catchUp(drafts: Iterable<MessageDraft>, atMs: number): Generator<MessageDraft> {
  const held: MessageDraft[] = [];
  let online = false;
  for (const draft of drafts) {
    if (online) {
      yield draft;
    } else if (draft.sentAtMs < atMs) {
      held.push(draft);
    } else {
      online = true;
      yield* forward(held, draft.kind === 'backlog' ? draft.sentAtMs : atMs);
      yield draft;
    }
  }
  if (!online) yield* forward(held, atMs);
}

function* forward(held: readonly MessageDraft[], sentAtMs: number): Generator<MessageDraft> {
  let run: { reading: Reading; tick: number }[] = [];
  const batches = function* (): Generator<MessageDraft> {
    for (let i = 0; i < run.length; i += MAX_READINGS_PER_MESSAGE) {
      const chunk = run.slice(i, i + MAX_READINGS_PER_MESSAGE);
      const tick = chunk[chunk.length - 1]?.tick ?? 0;
      yield { kind: 'backlog', tick, sentAtMs, readings: chunk.map((c) => c.reading), batch: true };
    }
    run = [];
  };
  for (const draft of held) {
    if (draft.kind === 'live' || draft.kind === 'backlog') {
      run.push(...draft.readings.map((reading) => ({ reading, tick: draft.tick })));
      continue;
    }
    yield* batches();
    yield { ...draft, sentAtMs };
  }
  yield* batches();
}
