import { describe, expect, it } from 'vitest';
import {
  defaultPeriod,
  historyLine,
  invoiceNumbersText,
  parseInvoiceNumbers,
  periodStateLabel,
  readinessSummary,
  shortSha,
} from './closes';

describe('close helpers', () => {
  it('names the state of a period', () => {
    expect(periodStateLabel({ closed: true, finalized: true })).toBe('Closed');
    expect(periodStateLabel({ closed: false, finalized: true })).toBe('Final, open');
    expect(periodStateLabel({ closed: false, finalized: false })).toBe('Not final yet');
  });

  it('parses invoice numbers one per line or separated, without blanks or repeats', () => {
    expect(parseInvoiceNumbers(' 156090591\n\nINV-2, INV-3;156090591 ')).toEqual([
      '156090591',
      'INV-2',
      'INV-3',
    ]);
    expect(parseInvoiceNumbers('   ')).toEqual([]);
    expect(invoiceNumbersText(['a', 'b'])).toBe('a\nb');
  });

  it('summarises readiness', () => {
    const base = { finalized: true, invoice_ids: ['1'], checklist_complete: true };
    expect(readinessSummary({ ...base, ready: true, missing: [] })).toMatch(/^Ready/);
    expect(readinessSummary({ ...base, ready: false, missing: [{ message: 'x', field: 'vendor' }] })).toBe(
      'Not ready: 1 item missing.',
    );
    expect(
      readinessSummary({
        ...base,
        ready: false,
        missing: [
          { message: 'x', field: 'vendor' },
          { message: 'y', field: 'internal_memo' },
        ],
      }),
    ).toBe('Not ready: 2 items missing.');
  });

  it('writes the history in words', () => {
    expect(historyLine({ kind: 'close', by: 'f@x', at: '2026-11-03T09:15:00Z', reason: null })).toBe(
      'Closed by f@x on 2026-11-03 09:15 UTC',
    );
    expect(
      historyLine({ kind: 'reopen', by: 'a@x', at: '2026-11-04T10:00:00Z', reason: 'late credit' }),
    ).toBe('Reopened by a@x on 2026-11-04 10:00 UTC — late credit');
  });

  it('shortens a SHA-256 and picks the month to show', () => {
    expect(shortSha('0123456789abcdef0123')).toBe('0123456789ab');
    const periods = [
      { period: '2026-11', finalized: false, closed: false, version: 0 },
      { period: '2026-10', finalized: true, closed: false, version: 1 },
      { period: '2026-09', finalized: true, closed: true, version: 2 },
    ];
    expect(defaultPeriod(periods)).toBe('2026-10');
    expect(defaultPeriod(periods.slice(2))).toBe('2026-09');
    expect(defaultPeriod([])).toBeUndefined();
  });
});
