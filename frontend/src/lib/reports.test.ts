import { describe, expect, it } from 'vitest';
import {
  basisLabel,
  defaultMonth,
  discountPercentProblem,
  discountSpan,
  formatPercent,
  levelLabel,
  reportMonths,
  varianceTone,
} from './reports';

describe('varianceTone', () => {
  it('reads positive variance as over, negative as under, ±2% as on budget', () => {
    expect(varianceTone('10.00')).toBe('over');
    expect(varianceTone('-2.01')).toBe('under');
    expect(varianceTone('2.00')).toBe('on');
    expect(varianceTone('-2.00')).toBe('on');
    expect(varianceTone(null)).toBe('none');
  });
});

describe('formatPercent', () => {
  it('signs the percent', () => {
    expect(formatPercent('12.50')).toBe('+12.50%');
    expect(formatPercent('-3.00')).toBe('−3.00%');
    expect(formatPercent('0.00')).toBe('0.00%');
    expect(formatPercent(null)).toBe('—');
  });
});

describe('reportMonths', () => {
  it('runs to this month in this year, twelve in a past year, none in a future one', () => {
    expect(reportMonths(2026, '2026-03-15')).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(reportMonths(2025, '2026-03-15')).toHaveLength(12);
    expect(reportMonths(2027, '2026-03-15')).toEqual([]);
    expect(defaultMonth(2025, '2026-03-15')).toBe('2025-12');
    expect(defaultMonth(2027, '2026-03-15')).toBe('');
  });
});

describe('labels', () => {
  it('names levels from the chart when it has labels', () => {
    expect(levelLabel(2, ['BU', 'Dept', 'Pf', 'Prod'])).toBe('Dept');
    expect(levelLabel(4)).toBe('Product');
  });
  it('says how the month was measured', () => {
    expect(basisLabel('pro_rated', 15, 30)).toContain('15 of 30 days');
    expect(basisLabel('full', 31, 31)).toBe('Full month');
  });
});

describe('discounts', () => {
  it('accepts 0 < p < 100 with two decimals at most', () => {
    expect(discountPercentProblem('3.5')).toBeNull();
    expect(discountPercentProblem('99.99')).toBeNull();
    expect(discountPercentProblem('0')).not.toBeNull();
    expect(discountPercentProblem('100')).not.toBeNull();
    expect(discountPercentProblem('1.234')).not.toBeNull();
    expect(discountPercentProblem('abc')).not.toBeNull();
  });
  it('describes the days in force', () => {
    expect(discountSpan('2026-01-01', null, false)).toBe('From 2026-01-01, open-ended');
    expect(discountSpan('2026-01-01', '2026-06-30', false)).toBe('2026-01-01 to 2026-06-30');
    expect(discountSpan('2026-01-01', '2025-12-31', true)).toBe('Withdrawn before 2026-01-01');
  });
});
