import { describe, expect, it } from 'vitest';
import { monthlyAmounts, orderVersions } from './budgetVersions';

const v = (annual_amount: string, effective_from: string, created_at = '2025-01-01T00:00:00Z') => ({
  annual_amount,
  effective_from,
  created_at,
});

describe('monthlyAmounts', () => {
  it('keeps the earlier amount before a change from July', () => {
    const months = monthlyAmounts([v('18000.00', '2025-07-01'), v('12000.00', '2025-01-01')], {
      year: 2025,
      startDate: '2025-01-01',
    });
    expect(months.map((m) => m.annual_amount)).toEqual([
      ...Array<string>(6).fill('12000.00'),
      ...Array<string>(6).fill('18000.00'),
    ]);
    expect(months.filter((m) => m.note).map((m) => [m.month, m.note])).toEqual([
      ['2025-01-01', 'start'],
      ['2025-07-01', 'version'],
    ]);
  });

  it('has no amount before the start or from the retirement', () => {
    const months = monthlyAmounts([v('500.00', '2025-03-01')], {
      year: 2025,
      startDate: '2025-03-01',
      retiredFrom: '2025-10-01',
    });
    expect(months.map((m) => m.annual_amount)).toEqual([
      null,
      null,
      ...Array<string>(7).fill('500.00'),
      null,
      null,
      null,
    ]);
  });

  it('lets a later version for the same month win', () => {
    const months = monthlyAmounts(
      [v('2.00', '2025-05-01', '2025-06-01T00:00:00Z'), v('1.00', '2025-05-01', '2025-05-01T00:00:00Z')],
      { year: 2025, startDate: '2025-01-01' },
    );
    expect(months[4].annual_amount).toBe('2.00');
  });

  it('marks a new version even when it repeats the amount', () => {
    const months = monthlyAmounts([v('1.00', '2025-01-01'), v('1.00', '2025-04-01')], {
      year: 2025,
      startDate: '2025-01-01',
    });
    expect(months[3].note).toBe('version');
  });
});

describe('orderVersions', () => {
  it('orders by effective month, then by creation', () => {
    const ordered = orderVersions([
      v('3', '2025-07-01', '2025-02-01T00:00:00Z'),
      v('1', '2025-01-01'),
      v('2', '2025-07-01', '2025-01-15T00:00:00Z'),
    ]);
    expect(ordered.map((x) => x.annual_amount)).toEqual(['1', '2', '3']);
  });
});
