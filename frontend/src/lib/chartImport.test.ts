import { describe, expect, it } from 'vitest';
import {
  describeOptions,
  labelOptionErrors,
  NO_OPTIONS,
  optionsFromFileName,
  optionsToSend,
} from './chartImport';

describe('optionsFromFileName', () => {
  it('reads the convention of SPEC 2', () => {
    expect(optionsFromFileName('Customer_2025_true_2025-11-01_false_Budget_v1.csv')).toEqual({
      customer: 'Customer',
      effective_year: '2025',
      is_new: 'true',
      start_date: '2025-11-01',
      is_override: 'false',
      version: 'v1',
    });
  });

  it('lets the customer contain underscores and ignores case in Budget and .csv', () => {
    const options = optionsFromFileName('C:\\files\\Acme_EU_2026_FALSE_2026-07-01_True_budget_2.CSV');
    expect(options).toMatchObject({
      customer: 'Acme_EU',
      is_new: 'false',
      is_override: 'true',
      version: '2',
    });
  });

  it('is null for a name that does not follow it', () => {
    expect(optionsFromFileName('budget.csv')).toBeNull();
    expect(optionsFromFileName('A_2025_true_2025-01-01_false_Budget_v1.xlsx')).toBeNull();
  });
});

describe('optionsToSend', () => {
  it('sends only what was filled in, the year as a number', () => {
    expect(optionsToSend(NO_OPTIONS)).toEqual({});
    expect(
      optionsToSend({ ...NO_OPTIONS, effective_year: ' 2025 ', is_override: 'true', version: ' ' }),
    ).toEqual({ effective_year: 2025, is_override: 'true' });
  });

  it('passes a year that is not a number on, for the server to explain', () => {
    expect(optionsToSend({ ...NO_OPTIONS, effective_year: '20x5' })).toEqual({ effective_year: '20x5' });
  });
});

describe('describeOptions', () => {
  it('reads as one line', () => {
    expect(
      describeOptions({
        customer: 'E2E',
        effective_year: 2025,
        is_new: true,
        start_date: '2025-01-01',
        is_override: false,
        version: 'v1',
      }),
    ).toBe('new year · from 2025-01-01 · version v1 · customer E2E');
    expect(describeOptions({ is_new: false, is_override: true, start_date: '2025-07-01', version: '' })).toBe(
      'override · from 2025-07-01',
    );
  });
});

describe('labelOptionErrors', () => {
  it('names option errors by their label and leaves row errors alone', () => {
    expect(
      labelOptionErrors([
        { row: null, column: 'start_date', message: 'must be the 1st of a month' },
        { row: null, column: null, message: 'the file is empty' },
        { row: 3, column: 'Amount', message: 'amount must not be negative' },
        { row: 4, column: 'version', message: 'a header named version' },
      ]),
    ).toEqual([
      { row: null, column: 'Start date (option)', message: 'must be the 1st of a month' },
      { row: null, column: null, message: 'the file is empty' },
      { row: 3, column: 'Amount', message: 'amount must not be negative' },
      { row: 4, column: 'version', message: 'a header named version' },
    ]);
  });
});
