import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { HeatmapRowRead } from '../../client';
import { LevelRows } from './DashboardTables';

/** A fragment's text, tags dropped and spaces folded. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/ ([,)])/g, '$1')
    .trim();

/** The cells' texts of each table row (header rows included), in order. */
function cells(html: string): string[][] {
  return [...html.matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map(([, row]) =>
    [...row.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map(([, cell]) => text(cell)),
  );
}

const row = (over: Partial<HeatmapRowRead>): HeatmapRowRead => ({
  node_id: 1,
  budget_id: null,
  name: 'Retail',
  level: 1,
  spend: '0.00',
  approved_spend: null,
  budget: null,
  variance: null,
  variance_percent: null,
  ratio: null,
  approved: false,
  annual_amount: '0.00',
  budgets: 1,
  approved_budgets: 0,
  ...over,
});

const render = (rows: HeatmapRowRead[]) =>
  renderToStaticMarkup(
    <LevelRows
      rows={rows}
      labels={['Business unit', 'Department', 'Portfolio', 'Product']}
      currency="EUR"
      period="2026 to date"
      onOpen={() => undefined}
    />,
  );

describe('LevelRows', () => {
  it('shows the approved budgets’ spend beside the budget and variance that measure it', () => {
    // the demo's Retail: the spend counts the 3 budgets not approved, the variance not;
    // approved spend − budget = variance (2,310,229.79 − 2,235,085.04 = 75,144.75)
    const html = render([
      row({
        spend: '2991735.86',
        approved_spend: '2310229.79',
        budget: '2235085.04',
        variance: '75144.75',
        variance_percent: '3.36',
        ratio: '1.0336',
        approved: true,
        budgets: 20,
        approved_budgets: 17,
      }),
    ]);
    expect(cells(html)).toEqual([
      ['Business unit', 'Spend, all budgets (EUR)', 'Approved budgets', 'Drill down'],
      ['Count', 'Spend (EUR)', 'Budget (EUR)', 'Variance (EUR)'],
      [
        'Retail',
        '2,991,735.86',
        '17 of 20',
        '2,310,229.79',
        '2,235,085.04',
        '75,144.75 (+3.36%)',
        'Details of Retail',
      ],
    ]);
    expect(text(html)).toContain(
      'Budget and variance measure the approved budgets only: variance = their spend − their budget.',
    );
  });

  it('repeats the spend when every budget is approved, and shows none when none is', () => {
    const html = render([
      row({
        node_id: 2,
        name: 'Wholesale',
        spend: '1100.00',
        approved_spend: '1100.00',
        budget: '1000.00',
        variance: '100.00',
        variance_percent: '10.00',
        ratio: '1.1000',
        approved: true,
        budgets: 4,
        approved_budgets: 4,
      }),
      row({ node_id: 3, name: 'Labs', spend: '250.00', budgets: 3 }),
    ]);
    expect(cells(html).slice(2)).toEqual([
      ['Wholesale', '1,100.00', '4 of 4', '1,100.00', '1,000.00', '100.00 (+10.00%)', 'Details of Wholesale'],
      ['Labs', '250.00', '0 of 3', '—', '—', '— (—)', 'Details of Labs'],
    ]);
  });
});
