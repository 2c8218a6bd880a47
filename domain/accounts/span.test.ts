import { describe, expect, it } from 'vitest';
import { AccountingOptionsError, DEFAULT_ACCOUNTING_OPTIONS, resolveAccountingOptions } from './options.ts';
import { accountingSpan, AccountingSpanError, readingWindow, recomputeSpan } from './span.ts';
import { local } from './testing/fixtures.ts';

describe('accountingSpan', () => {
  it('lists local days with their midnights (UTC+8)', () => {
    const span = accountingSpan('2026-02-27', '2026-03-01');
    expect(span.days).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
    expect(new Date(span.startMs).toISOString()).toBe('2026-02-26T16:00:00.000Z');
    expect(span.endMs - span.startMs).toBe(3 * 86_400_000);
  });

  it.each([
    ['2026-02-30', '2026-03-01'],
    ['2026-6-1', '2026-06-02'],
    ['2026-06-02', '2026-06-01'],
    ['2000-01-01', '2026-01-01'],
  ])('refuses %s .. %s', (from, to) => {
    expect(() => accountingSpan(from, to)).toThrow(AccountingSpanError);
  });
});

describe('readingWindow', () => {
  it('asks for the span plus the stuck-register margin on both sides', () => {
    expect(readingWindow('2026-06-01', '2026-06-01')).toEqual({
      spanStartMs: local('2026-06-01 00:00'),
      spanEndMs: local('2026-06-02 00:00'),
      fetchFromMs: local('2026-05-31 23:00'),
      fetchToMs: local('2026-06-02 01:00'),
    });
  });
});

describe('recomputeSpan', () => {
  it('covers the whole interval a late reading splits', () => {
    // A meter silent from 3 June 08:00 to 9 June 10:00 delivers a buffered reading for 5 June.
    const span = recomputeSpan('2026-06-05', [{ beforeMs: local('2026-06-03 08:00'), afterMs: local('2026-06-09 10:00') }]);
    expect(span).toEqual({ fromDay: '2026-06-03', toDay: '2026-06-09' });
  });

  it('reaches into a neighbour day only as far as a stuck run could change', () => {
    expect(recomputeSpan('2026-06-05', [{ beforeMs: local('2026-06-04 23:45'), afterMs: local('2026-06-06 00:15') }])).toEqual({
      fromDay: '2026-06-04',
      toDay: '2026-06-06',
    });
    expect(recomputeSpan('2026-06-05', [{ beforeMs: local('2026-06-05 00:30'), afterMs: null }])).toEqual({
      fromDay: '2026-06-04',
      toDay: '2026-06-05',
    });
    expect(recomputeSpan('2026-06-05', [{ beforeMs: null, afterMs: null }])).toEqual({ fromDay: '2026-06-05', toDay: '2026-06-05' });
  });
});

describe('resolveAccountingOptions', () => {
  it('has the brief’s defaults', () => {
    expect(resolveAccountingOptions()).toEqual(DEFAULT_ACCOUNTING_OPTIONS);
    expect(DEFAULT_ACCOUNTING_OPTIONS).toMatchObject({
      stuckRegisterMinMs: 3_600_000,
      flowMismatchFraction: 0.05,
      clockDriftMaxMs: 300_000,
    });
  });

  it.each([
    [{ volumeDecimals: 7 }],
    [{ stuckRegisterMinMs: 0 }],
    [{ flowMismatchFraction: 0 }],
    [{ rolloverWindowFraction: 0.5 }],
    [{ faultFlags: ['tamper', 'bogus'] as never }],
  ])('refuses %j', (override) => {
    expect(() => resolveAccountingOptions(override)).toThrow(AccountingOptionsError);
  });
});
