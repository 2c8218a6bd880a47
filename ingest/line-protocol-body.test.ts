import { describe, expect, it } from 'vitest';
import { LineProtocolBody } from './line-protocol-body.ts';

describe('LineProtocolBody', () => {
  it('joins the lines with "\\n", growing past its first room, and tells where each line ends', () => {
    const body = new LineProtocolBody(16);
    const lines = ['readings,meter=M-1 total_m3=1 1', 'status,meter=Zürich-7 online=T 2', '', 'x'.repeat(100), 'emoji 💧 3'];
    const ends: number[] = [];
    for (const line of lines) {
      body.push(line);
      ends.push(body.length);
    }
    const text = body.take();
    expect(text).toBe(lines.join('\n'));
    lines.forEach((line, i) => {
      expect(text.slice(i === 0 ? 0 : ends[i - 1], (ends[i] ?? 0) - 1)).toBe(line);
    });
  });

  it('starts empty again after take() and clear()', () => {
    const body = new LineProtocolBody(8);
    body.push('first');
    expect(body.take()).toBe('first');
    expect(body.take()).toBe('');
    body.push('half-built');
    body.clear();
    body.push('second');
    expect(body.length).toBe(7);
    expect(body.take()).toBe('second');
  });
});
