/**
 * The PUBACKs of one MQTT connection, sent by ingest itself.
 *
 * mqtt.js sends a QoS 1 message's PUBACK when `handleMessage` calls back, and takes the
 * connection's next message only then: one Redis round trip per message per connection. Ingest
 * instead lets mqtt.js go on at once and acknowledges here, each message once it is durable, in
 * the order the messages arrived (MQTT 5.0 §4.6), all that became due in one turn of the event
 * loop in one socket write. The broker still sends at most `receiveMaximum` unacknowledged
 * messages per connection, which bounds what is held in memory.
 *
 * An acknowledgement belongs to the connection that received the message: when it drops, what is
 * still waiting is forgotten (`reset`), and the broker redelivers it on the next connection.
 */

/** Room for this many messages in line at first; grows (doubling) should a broker send more than `receiveMaximum`. */
const INITIAL_CAPACITY = 1024;

export class AckSequencer {
  private readonly write: (packet: Buffer) => void;
  /**
   * The line, as a ring of typed arrays rather than an object per message: under load a message
   * waits long enough for its acknowledgement that per-message objects were promoted to the old
   * generation. Message number `n` (counted from the first) is at `n % capacity`.
   */
  private messageIds = new Uint16Array(INITIAL_CAPACITY);
  private durable = new Uint8Array(INITIAL_CAPACITY);
  /** The number of the first message still in line, and of the next to come. */
  private head = 0;
  private next = 0;
  private generation = 0;
  private scheduled = false;

  /** `write` sends bytes on the connection's current socket. */
  constructor(write: (packet: Buffer) => void) {
    this.write = write;
  }

  /** Takes the next place in line for `messageId`; call the returned function once the message is durable. */
  expect(messageId: number): () => void {
    if (this.next - this.head === this.messageIds.length) this.grow();
    const n = this.next++;
    const i = this.at(n);
    this.messageIds[i] = messageId;
    this.durable[i] = 0;
    const generation = this.generation;
    return () => {
      if (generation !== this.generation || n < this.head) return;
      this.durable[this.at(n)] = 1;
      this.schedule();
    };
  }

  /** The connection dropped: nothing still waiting will be acknowledged on it. */
  reset(): void {
    this.generation++;
    this.head = this.next;
  }

  /** Messages received and not yet acknowledged. */
  get waiting(): number {
    return this.next - this.head;
  }

  /** Sends now what is due (also used at shutdown, before the connection is closed). */
  flush(): void {
    this.scheduled = false;
    let due = 0;
    while (this.head + due < this.next && this.durable[this.at(this.head + due)] === 1) due++;
    if (due === 0) return;
    // MQTT PUBACK with reason code 0 and no properties: the 4-byte form of MQTT 5.0 §3.4.2.1 (and 3.1.1).
    const out = Buffer.allocUnsafe(due * 4);
    for (let i = 0; i < due; i++) {
      out[i * 4] = 0x40; // packet type 4 (PUBACK), flags 0
      out[i * 4 + 1] = 2; // remaining length: the packet identifier only
      out.writeUInt16BE(this.messageIds[this.at(this.head + i)] ?? 0, i * 4 + 2);
    }
    this.head += due;
    this.write(out);
  }

  /** Where message number `n` is in the ring: the same place in both arrays, which always have one capacity. */
  private at(n: number): number {
    return n % this.messageIds.length;
  }

  private grow(): void {
    const capacity = this.messageIds.length * 2;
    const messageIds = new Uint16Array(capacity);
    const durable = new Uint8Array(capacity);
    for (let n = this.head; n < this.next; n++) {
      messageIds[n % capacity] = this.messageIds[this.at(n)] ?? 0;
      durable[n % capacity] = this.durable[this.at(n)] ?? 0;
    }
    this.messageIds = messageIds;
    this.durable = durable;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.flush();
    });
  }
}
