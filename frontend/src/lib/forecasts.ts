// Forecasts and anomalies on screen: the overrun sentence and the cumulative chart's option.
// Amounts stay decimal strings everywhere but in the chart, which only draws them.
import type { BudgetForecastRead, CumulativeRead, OverrunRead } from '../client';
import type { ChartOption } from '../components/Chart';
import { formatMonth } from './months';

/** 1 → "1st", 2 → "2nd", 11 → "11th", 22 → "22nd". */
export function ordinal(day: number): string {
  const tens = day % 100;
  if (tens >= 11 && tens <= 13) return `${day}th`;
  return `${day}${['th', 'st', 'nd', 'rd'][day % 10] ?? 'th'}`;
}

function monthName(month: string): string {
  return formatMonth(month).split(' ')[0] ?? month;
}

/** "At this rate Checkout exceeds its December schedule on the 19th" (or "passed … on the 3rd"
 * once the actual spend did); for the year: "… exceeds its 2026 schedule on 18 December". */
export function overrunSentence(row: Pick<BudgetForecastRead, 'name'>, overrun: OverrunRead): string {
  const [year, month, day] = overrun.day.split('-');
  const when =
    overrun.kind === 'month'
      ? `on the ${ordinal(Number(day))}`
      : `on ${Number(day)} ${monthName(`${year}-${month}`)}`;
  const what =
    overrun.kind === 'month' && overrun.month
      ? `its ${monthName(overrun.month)} schedule`
      : `its ${year} schedule`;
  return overrun.already
    ? `${row.name} passed ${what} ${when}`
    : `At this rate ${row.name} exceeds ${what} ${when}`;
}

/** Every overrun of the list, soonest first (already passed ones first of all). */
export function overrunRows(items: BudgetForecastRead[]) {
  return items
    .flatMap((row) => row.overruns.map((overrun) => ({ row, overrun })))
    .sort(
      (a, b) =>
        Number(b.overrun.already) - Number(a.overrun.already) ||
        a.overrun.day.localeCompare(b.overrun.day) ||
        a.row.name.localeCompare(b.row.name),
    );
}

const num = (value: string | null | undefined) => (value == null ? null : Number(value));

/** The last day of a `YYYY-MM` month as `YYYY-MM-DD`. */
export function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month}-${String(last).padStart(2, '0')}`;
}

/** The cumulative spend-vs-schedule chart: actual to date, the forecast with its band, the
 * approved schedule and the workloads' estimates (cumulative at each month's end). */
export function cumulativeOption(data: CumulativeRead): ChartOption {
  const actual = data.actual.map((p) => [p.day, num(p.amount)]);
  const last = data.actual.at(-1);
  const forecast = [
    ...(last ? [[last.day, num(last.amount)]] : []),
    ...data.projected.map((p) => [p.day, num(p.amount)]),
  ];
  const banded = data.projected.filter((p) => p.low != null && p.high != null);
  const low = banded.map((p) => [p.day, num(p.low)]);
  const width = banded.map((p) => [p.day, (num(p.high) ?? 0) - (num(p.low) ?? 0)]);
  const schedule = data.schedule.map((m) => [monthEnd(m.month), num(m.cumulative)]);
  const estimates = data.estimates.map((m) => [monthEnd(m.month), num(m.cumulative)]);
  const series: object[] = [
    { name: 'Actual', type: 'line', data: actual, showSymbol: false, lineStyle: { width: 2 } },
    {
      name: 'Forecast',
      type: 'line',
      data: forecast,
      showSymbol: false,
      lineStyle: { type: 'dashed', width: 2 },
    },
  ];
  if (banded.length > 0) {
    series.push(
      {
        name: 'Band low',
        type: 'line',
        data: low,
        stack: 'band',
        showSymbol: false,
        lineStyle: { opacity: 0 },
        tooltip: { show: false },
      },
      {
        name: 'Forecast band',
        type: 'line',
        data: width,
        stack: 'band',
        showSymbol: false,
        lineStyle: { opacity: 0 },
        areaStyle: { opacity: 0.2 },
        tooltip: { show: false },
      },
    );
  }
  if (schedule.length > 0) {
    series.push({ name: 'Approved schedule', type: 'line', step: false, data: schedule, symbolSize: 6 });
  }
  if (estimates.length > 0) {
    series.push({
      name: 'Workload estimates',
      type: 'line',
      data: estimates,
      symbolSize: 4,
      lineStyle: { type: 'dotted' },
    });
  }
  return {
    tooltip: { trigger: 'axis' },
    legend: { data: ['Actual', 'Forecast', 'Forecast band', 'Approved schedule', 'Workload estimates'] },
    grid: { left: 70, right: 20, top: 40, bottom: 40 },
    xAxis: { type: 'time', min: `${data.year}-01-01`, max: `${data.year}-12-31` },
    yAxis: { type: 'value', name: data.currency },
    series,
  };
}
