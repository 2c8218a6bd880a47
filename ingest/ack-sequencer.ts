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

/** MQTT PUBACK with reason code 0 and no properties: the 4-byte form of MQTT 5.0 §3.4.2.1 (and 3.1.1). */
const PUBACK_BYTES = 4;

function encodePubacks(messageIds: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(messageIds.length * PUBACK_BYTES);
  messageIds.forEach((id, i) => {
    const at = i * PUBACK_BYTES;
    out[at] = 0x40; // packet type 4 (PUBACK), flags 0
    out[at + 1] = 2; // remaining length: the packet identifier only
    out.writeUInt16BE(id, at + 2);
  });
  return out;
}

interface Slot {
  messageId: number;
  durable: boolean;
}

export class AckSequencer {
  private readonly write: (packet: Buffer) => void;
  private slots: Slot[] = [];
  private head = 0;
  private generation = 0;
  private scheduled = false;

  /** `write` sends bytes on the connection's current socket. */
  constructor(write: (packet: Buffer) => void) {
    this.write = write;
  }

  /** Takes the next place in line for `messageId`; call the returned function once the message is durable. */
  expect(messageId: number): () => void {
    const slot: Slot = { messageId, durable: false };
    const generation = this.generation;
    this.slots.push(slot);
    return () => {
      if (generation !== this.generation) return;
      slot.durable = true;
      this.schedule();
    };
  }

  /** The connection dropped: nothing still waiting will be acknowledged on it. */
  reset(): void {
    this.generation++;
    this.slots = [];
    this.head = 0;
  }

  /** Messages received and not yet acknowledged. */
  get waiting(): number {
    return this.slots.length - this.head;
  }

  /** Sends now what is due (also used at shutdown, before the connection is closed). */
  flush(): void {
    this.scheduled = false;
    const due: number[] = [];
    while (this.head < this.slots.length && this.slots[this.head]?.durable) {
      due.push((this.slots[this.head] as Slot).messageId);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
    if (due.length > 0) this.write(encodePubacks(due));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.flush();
    });
  }
}
