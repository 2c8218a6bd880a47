/**
 * Groups the messages that arrive in one turn of the event loop, from every MQTT connection, into
 * one log entry (one XADD). Each message's promise settles when its entry is durable in Redis:
 * that is when its MQTT acknowledgement may go out. With N connections, up to N messages share an
 * append, which is what lets the receive side keep pace on a small machine (docs/ingest.md).
 */
import type { IngestLog } from './ingest-log.ts';
import type { LoggedMessage } from './log-codec.ts';

/** Beyond this many bytes a turn's messages are split over several entries. */
const MAX_ENTRY_BYTES = 1024 * 1024;

interface Pending extends LoggedMessage {
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class LogAppender {
  private readonly log: IngestLog;
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private scheduled = false;

  constructor(log: IngestLog) {
    this.log = log;
  }

  /** Resolves when the message is in the durable log. */
  append(topic: string, payload: Buffer, receivedMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ topic, payload, receivedMs, resolve, reject });
      this.pendingBytes += payload.length + topic.length + 14;
      if (this.pendingBytes >= MAX_ENTRY_BYTES) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.pendingBytes = 0;
    this.log.appendMessages(batch).then(
      () => {
        for (const m of batch) m.resolve();
      },
      (err: unknown) => {
        for (const m of batch) m.reject(err);
      },
    );
  }
}
