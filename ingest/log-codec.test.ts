import { describe, expect, it } from 'vitest';
import { decodeMessages, encodeMessages, LogCodecError, messagesOf } from './log-codec.ts';

const messages = [
  { topic: 'meters/M-1/readings', payload: Buffer.from('{"ts":1,"totalM3":2}'), receivedMs: 1_764_000_000_123 },
  { topic: 'meters/M-2/status', payload: Buffer.from([0xff, 0xfe, 0x00]), receivedMs: 1_764_000_000_124.5 },
  { topic: 'ünïcode/topic', payload: Buffer.alloc(0), receivedMs: 0 },
];

describe('log entry codec', () => {
  it('round-trips topics, raw payloads (even invalid UTF-8) and receipt times', () => {
    const entry = encodeMessages(messages);
    expect(decodeMessages(entry)).toEqual(messages);
    expect([...messagesOf(entry)]).toEqual(messages);
  });

  it('refuses a truncated entry, saying where', () => {
    const entry = encodeMessages(messages);
    expect(() => decodeMessages(entry.subarray(0, entry.length - 3))).toThrow(LogCodecError);
    expect(() => decodeMessages(entry.subarray(0, entry.length - 3))).toThrow(/truncated at byte \d+ of \d+/);
  });
});
