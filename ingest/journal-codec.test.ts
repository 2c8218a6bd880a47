import { describe, expect, it } from 'vitest';
import { encodeMessages, LogCodecError, messagesOf } from './journal-codec.ts';

const messages = [
  { topic: 'meters/M-1/readings', payload: Buffer.from('{"ts":1,"totalM3":2}'), receivedMs: 1_764_000_000_123 },
  { topic: 'meters/M-2/status', payload: Buffer.from([0xff, 0xfe, 0x00]), receivedMs: 1_764_000_000_124.5 },
  { topic: 'ünïcode/topic', payload: Buffer.alloc(0), receivedMs: 0 },
];

describe('log entry codec', () => {
  it('round-trips topics, raw payloads (even invalid UTF-8) and receipt times', () => {
    expect([...messagesOf(encodeMessages(messages))]).toEqual(messages);
  });

  it('gives the whole messages of a truncated entry, then says where it breaks off', () => {
    const entry = encodeMessages(messages);
    const truncated = entry.subarray(0, entry.length - 3);
    const read: unknown[] = [];
    let error: unknown;
    try {
      for (const m of messagesOf(truncated)) read.push(m);
    } catch (err) {
      error = err;
    }
    expect(read).toEqual(messages.slice(0, 2));
    expect(error).toBeInstanceOf(LogCodecError);
    expect((error as LogCodecError).message).toMatch(/truncated at byte \d+ of \d+/);
    // The unreadable rest is exactly the last message's bytes.
    expect((error as LogCodecError).at).toBe(encodeMessages(messages.slice(0, 2)).length);
  });

  it('stops at an impossible receipt time, where damaged lengths that still fit would read on into made-up messages', () => {
    const entry = encodeMessages(messages);
    const damaged = Buffer.from(entry);
    const secondEnds = encodeMessages(messages.slice(0, 2)).length;
    damaged.writeDoubleBE(Number.NaN, secondEnds - 8);
    expect(() => [...messagesOf(damaged)]).toThrow(/no valid receipt time/);
  });
});
