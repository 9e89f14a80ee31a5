import { describe, expect, it } from 'vitest';
import type { SplitVersionRead } from '../client';
import { toCsv } from './csv';
import {
  formatHundredths,
  nameBudgetIds,
  parsePercent,
  sharesOf,
  splitCsvColumns,
  splitProblems,
  splitShareRows,
  splitToEdit,
  splitTotal,
  toSplitWrite,
} from './splits';

describe('parsePercent', () => {
  it.each([
    ['60', 6000],
    ['60.5', 6050],
    ['60.50', 6050],
    [' 33.33 ', 3333],
    ['100', 10000],
    ['0.01', 1],
    ['12.5%', 1250],
  ])('%j → %d hundredths', (text, hundredths) => {
    expect(parsePercent(text)).toBe(hundredths);
  });

  it.each(['0', '0.00', '100.01', '101', '-5', '33.333', 'abc', '', '1,5'])('refuses %j', (text) => {
    expect(parsePercent(text)).toBeNull();
  });

  it('formats hundredths back', () => {
    expect(formatHundredths(6050)).toBe('60.50');
    expect(formatHundredths(1)).toBe('0.01');
    expect(formatHundredths(-1000)).toBe('-10.00');
  });
});

describe('splitTotal: the running total of a split', () => {
  it('is exact where floats are not: 33.33 + 33.33 + 33.34 = 100.00', () => {
    const total = splitTotal([
      { budgetId: 1, percent: '33.33' },
      { budgetId: 2, percent: '33.33' },
      { budgetId: 3, percent: '33.34' },
    ]);
    expect(total).toEqual({ total: '100.00', remaining: '0.00', complete: true, invalid: [] });
  });

  it('says what is left, or how far over', () => {
    expect(splitTotal([{ budgetId: 1, percent: '60' }])).toMatchObject({
      total: '60.00',
      remaining: '40.00',
      complete: false,
    });
    expect(
      splitTotal([
        { budgetId: 1, percent: '60' },
        { budgetId: 2, percent: '50' },
      ]),
    ).toMatchObject({ total: '110.00', remaining: '-10.00', complete: false });
  });

  it('leaves invalid lines out of the sum and names them', () => {
    const total = splitTotal([
      { budgetId: 1, percent: '100' },
      { budgetId: 2, percent: 'x' },
    ]);
    expect(total).toMatchObject({ total: '100.00', complete: false, invalid: [1] });
  });
});

describe('splitProblems', () => {
  const good = [
    { budgetId: 1, percent: '60' },
    { budgetId: 2, percent: '40' },
  ];

  it('passes a complete split from a Monday or the 1st', () => {
    expect(splitProblems(good, '2026-11-23')).toEqual([]);
    expect(splitProblems(good, '2026-12-01')).toEqual([]);
  });

  it('lists everything that is wrong at once', () => {
    expect(
      splitProblems(
        [
          { budgetId: 1, percent: '60' },
          { budgetId: 1, percent: '30' },
          { budgetId: null, percent: '5' },
        ],
        '2026-11-27',
      ),
    ).toEqual([
      'Choose a budget on every line.',
      'A budget appears twice.',
      'The percentages total 95.00; they must total exactly 100.00.',
      '2026-11-27 is neither a Monday nor the 1st of a month.',
    ]);
    expect(splitProblems([], '')).toEqual([
      'Add at least one budget.',
      'Choose the date the new split starts.',
    ]);
  });

  it('builds the request with two-decimal percentages', () => {
    expect(
      toSplitWrite(
        [
          { budgetId: 7, percent: '62.5' },
          { budgetId: 8, percent: '37.5' },
        ],
        '2026-11-23',
      ),
    ).toEqual({
      effective_from: '2026-11-23',
      splits: [
        { budget_id: 7, percent: '62.50' },
        { budget_id: 8, percent: '37.50' },
      ],
    });
  });
});

describe('split history as CSV', () => {
  const version = (over: Partial<SplitVersionRead>): SplitVersionRead => ({
    id: 1,
    account_id: '000123456789',
    effective_from: '2026-01-01',
    effective_to: '2026-11-22',
    current: false,
    splits: [{ budget_id: 10, percent: '100.00' }],
    created_by: 'ana@corp.com',
    created_at: '2026-01-02T09:00:00Z',
    ...over,
  });

  it('writes one line per share, the account id kept as text with its leading zeros', () => {
    const versions = [
      version({}),
      version({
        id: 2,
        effective_from: '2026-11-23',
        effective_to: null,
        current: true,
        splits: [
          { budget_id: 10, percent: '60.00' },
          { budget_id: 11, percent: '40.00' },
        ],
      }),
    ];
    const names = new Map([
      [10, 'Web Shop'],
      [11, '=Mobile'],
    ]);
    const csv = toCsv(
      splitCsvColumns((id) => names.get(id) ?? `#${id}`),
      splitShareRows(versions),
    );
    expect(csv.split('\r\n')).toEqual([
      'account_id,version_id,effective_from,effective_to,current,budget_id,budget,percent,changed_by,changed_at',
      '000123456789,1,2026-01-01,2026-11-22,false,10,Web Shop,100.00,ana@corp.com,2026-01-02T09:00:00Z',
      '000123456789,2,2026-11-23,,true,10,Web Shop,60.00,ana@corp.com,2026-01-02T09:00:00Z',
      "000123456789,2,2026-11-23,,true,11,'=Mobile,40.00,ana@corp.com,2026-01-02T09:00:00Z",
      '',
    ]);
  });

  it('turns a version into editable lines for a remap', () => {
    expect(sharesOf(version({ splits: [{ budget_id: 3, percent: '12.5' }] }))).toEqual([
      { budgetId: 3, percent: '12.50' },
    ]);
    expect(sharesOf(undefined)).toEqual([]);
  });
});

describe('nameBudgetIds', () => {
  it("names the budgets of the server's messages by path", () => {
    const paths = new Map([[12, ['North', 'Sales', 'Retail', 'Web Shop']]]);
    expect(nameBudgetIds('budget 12 belongs to 2025, the split starts in 2026', paths)).toBe(
      'budget “North › Sales › Retail › Web Shop” belongs to 2025, the split starts in 2026',
    );
    expect(nameBudgetIds('budget 99 does not exist', paths)).toBe('budget 99 does not exist');
  });
});

describe('splitToEdit', () => {
  it('is the newest version, even one that starts after today', () => {
    const history = [
      { effective_from: '2026-01-01', current: false },
      { effective_from: '2026-12-07', current: false },
      { effective_from: '2026-06-01', current: true },
    ];
    expect(splitToEdit(history)?.effective_from).toBe('2026-12-07');
    expect(splitToEdit([])).toBeUndefined();
  });
});
