import { describe, expect, it } from 'vitest';
import { attributeNames, chooseYear, filterBudgets, latestYear, sortBudgets } from './budgets';

const b = (path: string[], attributes: Record<string, string> = {}, status = 'active') => ({
  path,
  attributes,
  status,
});

describe('filterBudgets', () => {
  const budgets = [
    b(['North', 'Sales', 'Retail', 'Web'], { 'Cost Centre': 'CC-101' }),
    b(['North', 'Ops', 'Infra', 'Net'], { 'Cost Centre': 'CC-202' }),
    b(['South', 'R&D', 'Lab', 'AI'], {}, 'retired'),
  ];

  it('keeps everything for an empty filter', () => {
    expect(filterBudgets(budgets, '  ')).toHaveLength(3);
  });

  it('matches any name, case-insensitively, every word', () => {
    expect(filterBudgets(budgets, 'north').map((x) => x.path[3])).toEqual(['Web', 'Net']);
    expect(filterBudgets(budgets, 'NORTH infra').map((x) => x.path[3])).toEqual(['Net']);
    expect(filterBudgets(budgets, 'cc-101').map((x) => x.path[3])).toEqual(['Web']);
    expect(filterBudgets(budgets, 'retired').map((x) => x.path[3])).toEqual(['AI']);
    expect(filterBudgets(budgets, 'nowhere')).toEqual([]);
  });
});

describe('years', () => {
  const years = [{ year: 2025 }, { year: 2027 }, { year: 2026 }];

  it('opens on the latest year', () => {
    expect(latestYear(years)).toBe(2027);
    expect(latestYear([])).toBeNull();
    expect(chooseYear(years, null)).toBe(2027);
  });

  it('opens on the year the server marks as default (the one containing today)', () => {
    const marked = [{ year: 2027 }, { year: 2026, default: true }, { year: 2025 }];
    expect(chooseYear(marked, null)).toBe(2026);
    expect(chooseYear(marked, '2027')).toBe(2027);
    expect(chooseYear(marked, '2030')).toBe(2026);
  });

  it('follows the address when it names a defined year', () => {
    expect(chooseYear(years, '2025')).toBe(2025);
    expect(chooseYear(years, '2030')).toBe(2027);
    expect(chooseYear(years, 'x')).toBe(2027);
  });
});

describe('attributeNames', () => {
  it('collects attribute columns in first-seen order', () => {
    expect(attributeNames([b([], { B: '1' }), b([], { A: '2', B: '3' })])).toEqual(['B', 'A']);
  });
});

describe('sortBudgets', () => {
  it('orders by the names top-down, ignoring case, numbers naturally', () => {
    const sorted = sortBudgets([
      b(['north', 'Sales', 'Retail', 'Web']),
      b(['North', 'Ops', 'Infra', 'Net 10']),
      b(['North', 'Ops', 'Infra', 'Net 9']),
      b(['Acme', 'Z', 'Z', 'Z']),
    ]);
    expect(sorted.map((x) => x.path.join('/'))).toEqual([
      'Acme/Z/Z/Z',
      'North/Ops/Infra/Net 9',
      'North/Ops/Infra/Net 10',
      'north/Sales/Retail/Web',
    ]);
  });
});
