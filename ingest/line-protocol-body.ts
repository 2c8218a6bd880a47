/**
 * A write's line-protocol body, built line by line in one buffer that is reused from write to
 * write, and handed over as one string. Kept in an array until joined, the lines of a slice of
 * thousands of readings outlived the young-generation collections that their own making set off,
 * and were promoted to the old generation together with the pieces they were made of. The buffer
 * keeps the largest size it grew to: a few MB, as a drain slice holds at most 2 MB of log.
 */

/** UTF-8 takes at most 3 bytes for one UTF-16 code unit. */
const MAX_BYTES_PER_CHAR = 3;

export class LineProtocolBody {
  private buffer: Buffer;
  private bytes = 0;
  private chars = 0;

  /** `initialBytes`: room at first (default 1 MB); the buffer doubles when a line does not fit. */
  constructor(initialBytes = 1024 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Characters so far, each line's "\n" included: where the next line would begin in the string `take()` returns. */
  get length(): number {
    return this.chars;
  }

  push(line: string): void {
    const room = line.length * MAX_BYTES_PER_CHAR + 1;
    if (this.bytes + room > this.buffer.length) this.grow(this.bytes + room);
    this.bytes += this.buffer.write(line, this.bytes, 'utf8');
    this.buffer[this.bytes++] = 0x0a;
    this.chars += line.length + 1;
  }

  /** The lines so far, separated by "\n" (none after the last); the body is then empty again. */
  take(): string {
    const body = this.buffer.toString('utf8', 0, Math.max(0, this.bytes - 1));
    this.clear();
    return body;
  }

  /** Drops what was pushed. */
  clear(): void {
    this.bytes = 0;
    this.chars = 0;
  }

  private grow(atLeast: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(atLeast, this.buffer.length * 2));
    this.buffer.copy(bigger, 0, 0, this.bytes);
    this.buffer = bigger;
  }
}
