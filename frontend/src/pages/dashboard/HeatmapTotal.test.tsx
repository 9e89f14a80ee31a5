import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { HeatmapTotal } from './HeatmapTotal';

/** The header's text, tags dropped and spaces folded. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/ ([,)])/g, '$1')
    .trim();

const base = { approved: true, budgets: 18, approved_budgets: 17 };

describe('HeatmapTotal', () => {
  it('shows the spend of every budget and, beside it, what the variance measures', () => {
    // the demo's figures: the spend counts the budget that is not approved, the variance not
    const html = renderToStaticMarkup(
      <HeatmapTotal
        period="2026 to date"
        currency="EUR"
        total={{
          ...base,
          spend: '7664602.51',
          approved_spend: '6811499.89',
          budget: '6936346.12',
          ratio: '0.9820',
        }}
      />,
    );
    expect(text(html)).toBe(
      '2026 to date: spend 7,664,602.51 EUR (all 18 budgets) ' +
        'approved budgets (17 of 18): spend 6,811,499.89, budget 6,936,346.12 ' +
        '−1.8 % under budget (approved budgets)',
    );
  });

  it('names one spend when every budget is approved', () => {
    const html = renderToStaticMarkup(
      <HeatmapTotal
        period="October 2026"
        currency="EUR"
        total={{
          ...base,
          approved_budgets: 18,
          spend: '1100.00',
          approved_spend: '1100.00',
          budget: '1000.00',
          ratio: '1.1000',
        }}
        updating
      />,
    );
    expect(text(html)).toBe(
      'October 2026: spend 1,100.00 EUR budget 1,000.00 +10.0 % over budget (updating…)',
    );
  });

  it('has no budget to compare when nothing is approved', () => {
    const html = renderToStaticMarkup(
      <HeatmapTotal
        period="2026 to date"
        currency="EUR"
        total={{
          approved: false,
          budgets: 3,
          approved_budgets: 0,
          spend: '250.00',
          approved_spend: null,
          budget: null,
          ratio: null,
        }}
      />,
    );
    expect(text(html)).toBe('2026 to date: spend 250.00 EUR not approved: no budget to compare');
  });
});
