import { describe, expect, it } from 'vitest';
import { parseMeterTopic } from './meter-contract.ts';

describe('parseMeterTopic', () => {
  it('splits a topic of the contract and refuses others, the same the second time (from its memo) as the first', () => {
    for (let round = 0; round < 2; round++) {
      expect(parseMeterTopic('meters/M-1/readings')).toEqual({ meterId: 'M-1', kind: 'readings' });
      expect(parseMeterTopic('meters/M-1/status')).toEqual({ meterId: 'M-1', kind: 'status' });
      expect(parseMeterTopic('meters/M 1/readings')).toBeUndefined();
      expect(parseMeterTopic('meters/M-1/readings/extra')).toBeUndefined();
      expect(parseMeterTopic('other/M-1/readings')).toBeUndefined();
    }
  });
});
