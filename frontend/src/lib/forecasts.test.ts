import { describe, expect, it } from 'vitest';
import type { BudgetForecastRead, CumulativeRead, OverrunRead } from '../client';
import { cumulativeOption, monthEnd, ordinal, overrunRows, overrunSentence } from './forecasts';

const overrun = (o: Partial<OverrunRead>): OverrunRead => ({
  kind: 'month',
  month: '2026-12',
  day: '2026-12-19',
  scheduled: '37443.66',
  already: false,
  ...o,
});

describe('overrun sentences', () => {
  it('say when the schedule is exceeded at this rate', () => {
    expect(overrunSentence({ name: 'Checkout' }, overrun({}))).toBe(
      'At this rate Checkout exceeds its December schedule on the 19th',
    );
    expect(
      overrunSentence(
        { name: 'Checkout' },
        overrun({ kind: 'year', month: null, day: '2026-11-10', already: true }),
      ),
    ).toBe('Checkout passed its 2026 schedule on 10 November');
  });

  it('use English ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '23rd',
      '31st',
    ]);
  });

  it('list passed overruns first, then the soonest', () => {
    const row = (name: string, overruns: OverrunRead[]) =>
      ({ name, overruns }) as unknown as BudgetForecastRead;
    const rows = overrunRows([
      row('B', [overrun({ day: '2026-12-05' })]),
      row('A', [overrun({ day: '2026-12-20' }), overrun({ kind: 'year', day: '2026-11-01', already: true })]),
    ]);
    expect(rows.map((r) => [r.row.name, r.overrun.day])).toEqual([
      ['A', '2026-11-01'],
      ['B', '2026-12-05'],
      ['A', '2026-12-20'],
    ]);
  });
});

describe('the cumulative chart', () => {
  it('draws actual, forecast from the last actual day, the band and the schedule', () => {
    const data = {
      year: 2026,
      currency: 'USD',
      last_day: '2026-12-02',
      actual: [
        { day: '2026-12-01', amount: '10.00' },
        { day: '2026-12-02', amount: '20.00' },
      ],
      projected: [{ day: '2026-12-03', amount: '30.00', low: '28.00', high: '35.00' }],
      schedule: [{ month: '2026-02', amount: '5.00', cumulative: '5.00' }],
      estimates: [],
      forecast: {} as BudgetForecastRead,
    } satisfies CumulativeRead;
    const option = cumulativeOption(data) as { series: { name: string; data: unknown[] }[] };
    const byName = Object.fromEntries(option.series.map((s) => [s.name, s.data]));
    expect(byName['Forecast']).toEqual([
      ['2026-12-02', 20],
      ['2026-12-03', 30],
    ]);
    expect(byName['Forecast band']).toEqual([['2026-12-03', 7]]);
    expect(byName['Approved schedule']).toEqual([['2026-02-28', 5]]);
    expect(byName['Workload estimates']).toBeUndefined();
    expect(monthEnd('2028-02')).toBe('2028-02-29');
  });
});
