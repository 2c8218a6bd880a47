import { describe, expect, it } from 'vitest';
import { parseScenarioSpecs } from './scenario-spec.ts';

describe('parseScenarioSpecs', () => {
  it('reads names, fractions and parameters', () => {
    expect(parseScenarioSpecs('over-permit:0.1:factor=1.5, offline-gap:0.05,malformed:rate=0.1:defects=nan-string+oversize')).toEqual([
      { use: { name: 'over-permit', params: { factor: '1.5' } }, fraction: 0.1 },
      { use: { name: 'offline-gap', params: {} }, fraction: 0.05 },
      { use: { name: 'malformed', params: { rate: '0.1', defects: 'nan-string+oversize' } }, fraction: 1 },
    ]);
  });

  it.each([
    ['nonsense', /unknown scenario "nonsense"/],
    ['rollover:1.5', /fraction 0-1/],
    ['rollover:abc', /fraction 0-1/],
    ['rollover:0.5:0.5', /fraction 0-1 or key=value/],
    ['over-permit:factor=0.9', /factor/],
    ['over-permit:colour=red', /Unrecognized key/],
    ['malformed:defects=gibberish', /defects/],
    ['clock-skew:minutes=0', /must not be 0/],
    ['rollover,rollover:0.5', /given twice/],
  ])('refuses %s', (text, message) => {
    expect(() => parseScenarioSpecs(text)).toThrow(message);
  });
});
