import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';
import { latestPeriod, spendBudgetLabel, spendCsvColumns, spendOfBudget, topSpend } from './spend';

const rows = [
  { budget_id: 1, amount: '10.00' },
  { budget_id: null, amount: '250.75' },
  { budget_id: 2, amount: '1000.00' },
  { budget_id: 3, amount: '99.999' },
  { budget_id: 4, amount: '-5.00' },
];

describe('spend by budget', () => {
  it('picks the newest billing period', () => {
    expect(latestPeriod(['2026-09', '2026-11', '2026-10'])).toBe('2026-11');
    expect(latestPeriod([])).toBeNull();
  });

  it('keeps the largest rows, largest first, compared exactly', () => {
    expect(topSpend(rows, 3).map((r) => r.budget_id)).toEqual([2, null, 3]);
    expect(topSpend(rows).map((r) => r.budget_id)).toEqual([2, null, 3, 1, 4]);
  });

  it('names the Unallocated bucket and budgets it does not know', () => {
    const names = new Map([[1, 'Web Shop']]);
    expect(spendBudgetLabel({ budget_id: null }, names)).toBe('Unallocated');
    expect(spendBudgetLabel({ budget_id: 1 }, names)).toBe('Web Shop');
    expect(spendBudgetLabel({ budget_id: 9 }, names)).toBe('Budget #9');
  });

  it("finds one budget's amount", () => {
    expect(spendOfBudget(rows, 2)).toBe('1000.00');
    expect(spendOfBudget(rows, 7)).toBe('0.00');
  });

  it('writes CSV with the amounts as they came and the Unallocated line', () => {
    const csv = toCsv(spendCsvColumns('2026-10', new Map([[2, 'Web Shop']]), 'USD'), rows.slice(1, 3));
    expect(csv).toBe(
      'period,budget_id,budget,amount,currency\r\n2026-10,,Unallocated,250.75,USD\r\n2026-10,2,Web Shop,1000.00,USD\r\n',
    );
  });
});
