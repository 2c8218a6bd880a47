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

  it('keeps the order across more messages in line than its initial room, and round its ring', async () => {
    const { writes, sequencer } = recorder();
    // 3000 in line at once (more than a broker with receiveMaximum 1000 would send), made durable last to first.
    const ids = Array.from({ length: 3000 }, (_, i) => (i * 7) % 65536);
    const settle = ids.map((id) => sequencer.expect(id));
    for (const durable of settle.slice(1).reverse()) durable();
    await nextTurn();
    expect(writes).toEqual([]);
    settle[0]?.();
    await nextTurn();
    expect(writes.flat()).toEqual(ids);
    // Then many rounds of its ring, a few at a time.
    writes.length = 0;
    for (let round = 0; round < 500; round++) {
      const batch = [1, 2, 3, 4, 5, 6, 7].map((k) => sequencer.expect(round * 7 + k));
      for (const durable of batch) durable();
      await nextTurn();
    }
    expect(writes.flat()).toEqual(Array.from({ length: 3500 }, (_, i) => i + 1));
    expect(sequencer.waiting).toBe(0);
  });

  it('grows while its ring has gone round, keeping the order', () => {
    const { writes, sequencer } = recorder();
    for (let i = 0; i < 1000; i++) sequencer.expect(i)();
    sequencer.flush();
    writes.length = 0;
    // 1100 in line from place 1000 on: past the ring's end (1024) before it grows.
    const settle = Array.from({ length: 1100 }, (_, i) => sequencer.expect(10_000 + i));
    for (const durable of settle) durable();
    sequencer.flush();
    expect(writes.flat()).toEqual(Array.from({ length: 1100 }, (_, i) => 10_000 + i));
  });

  it('ignores a late second call for an acknowledged message whose place in the ring is taken again', () => {
    const { writes, sequencer } = recorder();
    const first = sequencer.expect(1);
    first();
    sequencer.flush();
    // The next 1024 fill the ring; the last of them takes the first one's place, and is not durable.
    const settle = Array.from({ length: 1024 }, (_, i) => sequencer.expect(2 + i));
    for (const durable of settle.slice(0, -1)) durable();
    first();
    sequencer.flush();
    expect(writes.flat()).toEqual(Array.from({ length: 1024 }, (_, i) => 1 + i));
    expect(sequencer.waiting).toBe(1);
  });
});
