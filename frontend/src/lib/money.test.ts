import { describe, expect, it } from 'vitest';
import { centsToDecimal, formatAmount, sumAmounts, toCents } from './money';

describe('formatAmount', () => {
  it.each([
    ['1234.50', '1,234.50'],
    ['1200', '1,200.00'],
    ['0', '0.00'],
    ['0.5', '0.50'],
    ['999.99', '999.99'],
    ['1000', '1,000.00'],
    ['9999999999999999.99', '9,999,999,999,999,999.99'],
    ['-1234567.8', '-1,234,567.80'],
  ])('%s → %s', (input, expected) => {
    expect(formatAmount(input)).toBe(expected);
  });

  it('rounds a third decimal half-up, as the server does at the edge', () => {
    expect(formatAmount('0.005')).toBe('0.01');
    expect(formatAmount('0.004')).toBe('0.00');
    expect(formatAmount('2.675')).toBe('2.68'); // a float would give 2.67
  });

  it('shows text that is not a decimal as it came', () => {
    expect(formatAmount('n/a')).toBe('n/a');
    expect(formatAmount('')).toBe('');
  });
});

describe('cents', () => {
  it('parses and prints exactly, beyond what a float holds', () => {
    expect(toCents('9999999999999999.99')).toBe(999999999999999999n);
    expect(centsToDecimal(999999999999999999n)).toBe('9999999999999999.99');
    expect(centsToDecimal(5n)).toBe('0.05');
    expect(centsToDecimal(-5n)).toBe('-0.05');
    expect(toCents('1,000')).toBeNull();
  });
});

describe('sumAmounts', () => {
  it('adds decimal strings without float error', () => {
    expect(sumAmounts(['0.10', '0.20'])).toBe('0.30');
    expect(sumAmounts(['1200.00', '800.50', '2000', '1000.00'])).toBe('5000.50');
    expect(sumAmounts([])).toBe('0.00');
  });
});
