// Pure helpers of the dashboard's heat map: the diverging colour scale of spend against budget,
// the view held in the URL (so a view can be shared), and the ECharts options of its pictures.

import { formatAmount } from './money';

/** The colour scale stops at ±50 %: a budget 50 % over (or more) is as red as it gets. */
export const CLAMP = 0.5;
export const GRAY = '#9aa0a6';
const UNDER = [26, 152, 80] as const; // green: under budget
const ON = [245, 245, 235] as const; // near-white: on budget
const OVER = [215, 48, 39] as const; // red: over budget

/** Spend against budget as a deviation in −0.5…+0.5 (ratio 1.12 → 0.12), clamped; null when
 * there is no ratio (the budget is not approved, or its budget is zero). */
export function deviation(ratio: string | null | undefined): number | null {
  if (ratio === null || ratio === undefined || ratio === '') return null;
  const value = Number(ratio);
  if (!Number.isFinite(value)) return null;
  return Math.max(-CLAMP, Math.min(CLAMP, value - 1));
}

function hex(rgb: readonly number[]): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

function mix(a: readonly number[], b: readonly number[], t: number): string {
  return hex(a.map((c, i) => c + (b[i] - c) * t));
}

/** The tile colour of a ratio: green under, near-white on budget, red over; gray without one. */
export function spendColour(ratio: string | null | undefined): string {
  const d = deviation(ratio);
  if (d === null) return GRAY;
  return d < 0 ? mix(ON, UNDER, -d / CLAMP) : mix(ON, OVER, d / CLAMP);
}

/** Dark text on light tiles, white on dark ones (WCAG relative luminance). */
export function textColour(background: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(background.slice(i, i + 2), 16) / 255);
  const lin = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return luminance > 0.35 ? '#1b1b1b' : '#ffffff';
}

/** The legend's stops, left to right. */
export const LEGEND_STOPS: readonly { label: string; colour: string }[] = [
  { label: '50 % or more under', colour: spendColour('0.5') },
  { label: '25 % under', colour: spendColour('0.75') },
  { label: 'On budget', colour: spendColour('1') },
  { label: '25 % over', colour: spendColour('1.25') },
  { label: '50 % or more over', colour: spendColour('1.5') },
];

/** "1.1234" → "+12.3 % over budget". */
export function ratioLabel(ratio: string | null | undefined): string {
  if (ratio === null || ratio === undefined || ratio === '') return 'not approved: no budget to compare';
  const pct = (Number(ratio) - 1) * 100;
  if (Math.abs(pct) < 0.05) return 'on budget';
  const text = `${Math.abs(pct).toFixed(1)} %`;
  return pct > 0 ? `+${text} over budget` : `−${text} under budget`;
}

// ------------------------------------------------------------------ the view in the URL

export type DashboardView = 'annual' | 'monthly';

export interface DashboardState {
  year: number;
  view: DashboardView;
  /** 1–12; used by the monthly view. */
  month: number;
  /** The node drilled into; null: the top of the caller's scope. */
  node: number | null;
}

function wholeIn(text: string | null, low: number, high: number): number | null {
  if (text === null || !/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value >= low && value <= high ? value : null;
}

/** The month a year opens on: this month in this year, December in a past one, January in a
 * future one. */
export function defaultMonthOf(year: number, today: string): number {
  const [thisYear, thisMonth] = today.split('-').map(Number);
  if (year === thisYear) return thisMonth;
  return year < thisYear ? 12 : 1;
}

/** The view a URL asks for; anything missing or malformed falls back to its default (the
 * year the pages open on — `openYear`, the server's default, else this year —, Annual, the
 * year's default month, the top). */
export function parseDashboardState(
  params: URLSearchParams,
  today: string,
  openYear: number | null = null,
): DashboardState {
  const year = wholeIn(params.get('year'), 2000, 9999) ?? openYear ?? Number(today.slice(0, 4));
  const view: DashboardView = params.get('view') === 'monthly' ? 'monthly' : 'annual';
  const month = wholeIn(params.get('month'), 1, 12) ?? defaultMonthOf(year, today);
  const node = wholeIn(params.get('node'), 1, Number.MAX_SAFE_INTEGER);
  return { year, view, month, node };
}

/** The URL parameters of a view: the month only in the monthly view, the node when set. */
export function dashboardSearch(state: DashboardState): URLSearchParams {
  const params = new URLSearchParams({ year: String(state.year), view: state.view });
  if (state.view === 'monthly') params.set('month', String(state.month));
  if (state.node !== null) params.set('node', String(state.node));
  return params;
}

/** The months of `year` that can be shown: up to this month (none of a future year). */
export function monthsOf(year: number, today: string): number[] {
  const [thisYear, thisMonth] = today.split('-').map(Number);
  const last = year < thisYear ? 12 : year === thisYear ? thisMonth : 0;
  return Array.from({ length: last }, (_, i) => i + 1);
}

// ------------------------------------------------------------------ chart options

export interface TileLike {
  node_id: number;
  budget_id?: number | null;
  name: string;
  path: string[];
  spend: string;
  budget?: string | null;
  ratio?: string | null;
  approved: boolean;
  approved_spend?: string | null;
  budgets?: number;
  approved_budgets?: number;
}

/** The treemap's data: area = spend (a tile without spend keeps a sliver so it can be seen),
 * colour from the ratio. */
export function treemapData(tiles: readonly TileLike[]) {
  return tiles.map((t) => {
    const colour = t.approved ? spendColour(t.ratio) : GRAY;
    return {
      name: t.name,
      value: Math.max(Number(t.spend), 0),
      nodeId: t.node_id,
      budgetId: t.budget_id ?? null,
      path: t.path.join(' › '),
      spend: t.spend,
      budget: t.budget ?? null,
      ratio: t.ratio ?? null,
      approved: t.approved,
      approvedSpend: t.approved_spend ?? null,
      budgets: t.budgets ?? 1,
      approvedBudgets: t.approved_budgets ?? (t.approved ? 1 : 0),
      itemStyle: { color: colour, borderColor: '#ffffff', borderWidth: 1 },
      label: { color: textColour(colour) },
    };
  });
}

/** A tile's figures for its tooltip, one line each (plain text): as the header's total
 * (docs/dashboard.md, "Figures"), a tile with only some budgets approved names both spends,
 * every budget's and the approved ones' beside the budget the ratio measures them against.
 * (A product tile is one budget, approved or not; a rolled-up tile can be in between.) */
export function tileFigureLines(
  tile: {
    spend: string;
    approvedSpend: string | null;
    budget: string | null;
    ratio: string | null;
    approved: boolean;
    budgets: number;
    approvedBudgets: number;
  },
  currency: string,
): string[] {
  const some = tile.approved && tile.approvedBudgets < tile.budgets;
  if (!some) {
    return [
      `Spend: ${formatAmount(tile.spend)} ${currency}`,
      `Budget: ${tile.budget === null ? '— (not approved)' : `${formatAmount(tile.budget)} ${currency}`}`,
      ratioLabel(tile.ratio),
    ];
  }
  const amount = (v: string | null) => (v === null ? '—' : formatAmount(v));
  return [
    `Spend: ${formatAmount(tile.spend)} ${currency} (all ${tile.budgets} budgets)`,
    `Approved budgets (${tile.approvedBudgets} of ${tile.budgets}): spend ${amount(tile.approvedSpend)}, ` +
      `budget ${amount(tile.budget)} ${currency}`,
    `${ratioLabel(tile.ratio)} (approved budgets)`,
  ];
}

/** One series per child, stacked, January to December. */
export function stackedBarOption(
  months: readonly string[],
  series: readonly { name: string; amounts: readonly string[] }[],
  currency: string,
) {
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v.toFixed(2)} ${currency}` },
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 64, right: 16, top: 16, bottom: 56 },
    xAxis: { type: 'category', data: months.map((m) => m.slice(5)) },
    yAxis: { type: 'value', name: currency },
    series: series.map((s) => ({
      name: s.name,
      type: 'bar',
      stack: 'spend',
      emphasis: { focus: 'series' },
      data: s.amounts.map(Number),
    })),
  };
}

/** Spend by service over the months: the costliest `top` services as lines, the rest summed
 * as "Other services" (a chart of forty lines reads as none). */
export function servicesSeries(
  series: readonly { service?: string | null; amounts: readonly string[] }[],
  top = 8,
): { name: string; amounts: number[] }[] {
  const named = series
    .slice(0, top)
    .map((s) => ({ name: s.service ?? '(no service)', amounts: s.amounts.map(Number) }));
  const rest = series.slice(top);
  if (rest.length === 0) return named;
  const other = rest[0].amounts.map((_, i) => rest.reduce((sum, s) => sum + Number(s.amounts[i]), 0));
  return [...named, { name: `Other services (${rest.length})`, amounts: other }];
}
