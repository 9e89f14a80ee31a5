import { describe, expect, it } from 'vitest';
import { defaultEffectiveMonth, firstOfMonth, formatDate, formatMonth, monthsOfYear } from './months';

describe('firstOfMonth', () => {
  it.each([
    ['2025-07', '2025-07-01'],
    ['2025-07-15', '2025-07-01'],
    ['2025-07-01', '2025-07-01'],
    ['2025-12', '2025-12-01'],
  ])('%s → %s', (input, expected) => {
    expect(firstOfMonth(input)).toBe(expected);
  });

  it('refuses what is not a month', () => {
    expect(firstOfMonth('2025-13')).toBeNull();
    expect(firstOfMonth('2025-00-01')).toBeNull();
    expect(firstOfMonth('July')).toBeNull();
    expect(firstOfMonth('')).toBeNull();
  });
});

describe('monthsOfYear', () => {
  it('offers the 1st of each month of the budget year', () => {
    const months = monthsOfYear(2025);
    expect(months).toHaveLength(12);
    expect(months[0]).toEqual({ value: '2025-01-01', label: 'January 2025', disabled: false });
    expect(months[6]).toEqual({ value: '2025-07-01', label: 'July 2025', disabled: false });
    expect(months[11].value).toBe('2025-12-01');
  });

  it('disables the months before the budget starts', () => {
    const months = monthsOfYear(2025, '2025-04-01');
    expect(months.filter((m) => m.disabled).map((m) => m.value)).toEqual([
      '2025-01-01',
      '2025-02-01',
      '2025-03-01',
    ]);
  });
});

describe('defaultEffectiveMonth', () => {
  it('is the current month during the budget year', () => {
    expect(defaultEffectiveMonth(2025, new Date(2025, 6, 18))).toBe('2025-07-01');
  });

  it('is January for a future year and the first open month for a past one', () => {
    expect(defaultEffectiveMonth(2027, new Date(2025, 6, 18))).toBe('2027-01-01');
    expect(defaultEffectiveMonth(2024, new Date(2025, 6, 18))).toBe('2024-01-01');
  });

  it('never precedes the budget start', () => {
    expect(defaultEffectiveMonth(2025, new Date(2025, 1, 3), '2025-05-01')).toBe('2025-05-01');
  });
});

describe('formatting dates without time zones', () => {
  it('names months and days', () => {
    expect(formatMonth('2025-07-01')).toBe('July 2025');
    expect(formatDate('2025-07-01')).toBe('1 Jul 2025');
    expect(formatDate('2025-12-31')).toBe('31 Dec 2025');
    expect(formatDate(null)).toBe('—');
  });
});
