/**
 * The durable journal's entry format. One stream entry holds the messages of one append (across all
 * MQTT connections; see log-appender.ts), so Redis sees one XADD for many messages. Binary,
 * length-prefixed, so raw payloads (even invalid UTF-8) round-trip unchanged:
 *   repeated { u16 topic length | topic bytes | u32 payload length | payload | f64 received ms }
 */

export interface JournalMessage {
  topic: string;
  payload: Buffer;
  receivedMs: number;
}

/** The largest time a JavaScript Date holds (ECMAScript's time range). */
const MAX_DATE_MS = 8.64e15;

export class LogCodecError extends Error {
  /** Where in the entry it stops being readable: the messages before are whole. */
  readonly at: number;

  constructor(message: string, at: number) {
    super(message);
    this.name = 'LogCodecError';
    this.at = at;
  }
}

export function encodeMessages(messages: readonly JournalMessage[]): Buffer {
  const topics = messages.map((m) => Buffer.from(m.topic));
  const size = messages.reduce((sum, m, i) => sum + 2 + (topics[i]?.length ?? 0) + 4 + m.payload.length + 8, 0);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  messages.forEach((m, i) => {
    const topic = topics[i] ?? Buffer.alloc(0);
    at = out.writeUInt16BE(topic.length, at);
    at += topic.copy(out, at);
    at = out.writeUInt32BE(m.payload.length, at);
    at += m.payload.copy(out, at);
    at = out.writeDoubleBE(m.receivedMs, at);
  });
  return out;
}

/**
 * The messages of an entry, one at a time: a caller that handles each in turn holds one, not the
 * entry's thousands. Payloads are views into `entry`, not copies.
 */
export function* messagesOf(entry: Buffer): Generator<JournalMessage> {
  let at = 0;
  /** Where the message being read begins. */
  let start = 0;
  const need = (n: number) => {
    if (at + n > entry.length) throw new LogCodecError(`log entry truncated at byte ${at} of ${entry.length}`, start);
  };
  while (at < entry.length) {
    start = at;
    need(2);
    const topicLength = entry.readUInt16BE(at);
    at += 2;
    need(topicLength + 4);
    const topic = entry.toString('utf8', at, at + topicLength);
    at += topicLength;
    const payloadLength = entry.readUInt32BE(at);
    at += 4;
    need(payloadLength + 8);
    const payload = entry.subarray(at, at + payloadLength);
    at += payloadLength;
    const receivedMs = entry.readDoubleBE(at);
    // Out of step with the real boundaries, damaged lengths that still fit would read on into
    // made-up messages; an impossible time (not a JavaScript Date) is where that shows.
    if (!(Math.abs(receivedMs) <= MAX_DATE_MS)) throw new LogCodecError(`log entry has no valid receipt time at byte ${at}`, start);
    at += 8;
    yield { topic, payload, receivedMs };
  }
}
