import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { AckSequencer } from './ack-sequencer.ts';

/** The packet identifiers in a run of 4-byte PUBACKs, checking each packet's header. */
function pubackIds(bytes: Buffer): number[] {
  const ids: number[] = [];
  for (let at = 0; at < bytes.length; at += 4) {
    expect([bytes[at], bytes[at + 1]]).toEqual([0x40, 2]);
    ids.push(bytes.readUInt16BE(at + 2));
  }
  return ids;
}

function recorder() {
  const writes: number[][] = [];
  return { writes, sequencer: new AckSequencer((bytes) => writes.push(pubackIds(bytes))) };
}

describe('AckSequencer', () => {
  it('acknowledges in arrival order, all that became due in one turn in one write', async () => {
    const { writes, sequencer } = recorder();
    const [a, b, c] = [1, 2, 65535].map((id) => sequencer.expect(id));
    c?.();
    b?.();
    await nextTurn();
    expect(writes).toEqual([]); // message 1 is not durable yet, so nothing after it goes out
    a?.();
    await nextTurn();
    expect(writes).toEqual([[1, 2, 65535]]);
    expect(sequencer.waiting).toBe(0);
  });

  it('forgets what was waiting when the connection drops: the broker redelivers it', async () => {
    const { writes, sequencer } = recorder();
    const early = sequencer.expect(7);
    sequencer.reset();
    const late = sequencer.expect(8);
    early();
    late();
    await nextTurn();
    expect(writes).toEqual([[8]]);
  });

  it('sends what is due at once on flush (shutdown)', () => {
    const { writes, sequencer } = recorder();
    sequencer.expect(3)();
    sequencer.expect(4);
    sequencer.flush();
    expect(writes).toEqual([[3]]);
    expect(sequencer.waiting).toBe(1);
  });
});
