import { describe, expect, it } from 'vitest';
import {
  GRAY,
  dashboardSearch,
  defaultMonthOf,
  deviation,
  monthsOf,
  parseDashboardState,
  ratioLabel,
  servicesSeries,
  spendColour,
  textColour,
  tileFigureLines,
  treemapData,
} from './dashboard';

describe('the colour scale', () => {
  it('clamps the deviation at ±50 %', () => {
    expect(deviation('1.12')).toBeCloseTo(0.12);
    expect(deviation('3')).toBe(0.5);
    expect(deviation('0.1')).toBe(-0.5);
    expect(deviation(null)).toBeNull();
    expect(deviation('x')).toBeNull();
  });

  it('runs green through near-white to red, gray without a ratio', () => {
    expect(spendColour('0.5')).toBe('#1a9850');
    expect(spendColour('0.2')).toBe('#1a9850'); // clamped
    expect(spendColour('1')).toBe('#f5f5eb');
    expect(spendColour('1.5')).toBe('#d73027');
    expect(spendColour('9')).toBe('#d73027');
    expect(spendColour(null)).toBe(GRAY);
    // a quarter over is between on-budget and red
    expect(spendColour('1.25')).not.toBe(spendColour('1.5'));
  });

  it('keeps the label readable on the tile', () => {
    expect(textColour('#f5f5eb')).toBe('#1b1b1b');
    expect(textColour('#d73027')).toBe('#ffffff');
  });

  it('says the ratio in words', () => {
    expect(ratioLabel('1.1234')).toBe('+12.3 % over budget');
    expect(ratioLabel('0.9')).toBe('−10.0 % under budget');
    expect(ratioLabel('1')).toBe('on budget');
    expect(ratioLabel(null)).toMatch(/not approved/);
  });

  it('grays a tile that is not approved whatever its ratio', () => {
    const [tile] = treemapData([
      { node_id: 1, name: 'A', path: ['X', 'A'], spend: '10.00', ratio: '2', approved: false },
    ]);
    expect(tile.itemStyle.color).toBe(GRAY);
    expect(tile.path).toBe('X › A');
    expect(tile.value).toBe(10);
  });

  it('names both spends in a tile whose budgets are only partly approved', () => {
    // a rolled-up tile: the ratio measures the approved budgets' spend against their budget
    const [tile] = treemapData([
      {
        node_id: 1,
        name: 'Retail',
        path: ['Retail'],
        spend: '2991735.86',
        approved_spend: '2310229.79',
        budget: '2235085.04',
        ratio: '1.0336',
        approved: true,
        budgets: 20,
        approved_budgets: 17,
      },
    ]);
    expect(tileFigureLines(tile, 'EUR')).toEqual([
      'Spend: 2,991,735.86 EUR (all 20 budgets)',
      'Approved budgets (17 of 20): spend 2,310,229.79, budget 2,235,085.04 EUR',
      '+3.4 % over budget (approved budgets)',
    ]);
  });

  it('names one spend in a tile approved or not as a whole', () => {
    const [approved, not] = treemapData([
      {
        node_id: 1,
        name: 'A',
        path: ['A'],
        spend: '1100.00',
        approved_spend: '1100.00',
        budget: '1000.00',
        ratio: '1.1',
        approved: true,
      },
      { node_id: 2, name: 'B', path: ['B'], spend: '5.00', approved: false },
    ]);
    expect(tileFigureLines(approved, 'EUR')).toEqual([
      'Spend: 1,100.00 EUR',
      'Budget: 1,000.00 EUR',
      '+10.0 % over budget',
    ]);
    expect(tileFigureLines(not, 'EUR')).toEqual([
      'Spend: 5.00 EUR',
      'Budget: — (not approved)',
      'not approved: no budget to compare',
    ]);
  });
});

describe('the view in the URL', () => {
  const today = '2026-11-16';

  it('defaults to this year, annual, the top', () => {
    expect(parseDashboardState(new URLSearchParams(''), today)).toEqual({
      year: 2026,
      view: 'annual',
      month: 11,
      node: null,
    });
  });

  it('opens on the year the server marks default when the URL names none', () => {
    // in January, before next year's chart is loaded, the pages stay on last year
    expect(parseDashboardState(new URLSearchParams(''), '2027-01-05', 2026)).toEqual({
      year: 2026,
      view: 'annual',
      month: 12,
      node: null,
    });
    expect(parseDashboardState(new URLSearchParams('year=2025'), today, 2026).year).toBe(2025);
  });

  it('round-trips a shared view', () => {
    const state = { year: 2025, view: 'monthly' as const, month: 3, node: 42 };
    const search = dashboardSearch(state);
    expect(search.toString()).toBe('year=2025&view=monthly&month=3&node=42');
    expect(parseDashboardState(search, today)).toEqual(state);
  });

  it('leaves the month out of an annual view and ignores malformed values', () => {
    expect(dashboardSearch({ year: 2026, view: 'annual', month: 5, node: null }).toString()).toBe(
      'year=2026&view=annual',
    );
    const bad = parseDashboardState(new URLSearchParams('year=abc&month=13&node=-1&view=x'), today);
    expect(bad).toEqual({ year: 2026, view: 'annual', month: 11, node: null });
  });

  it('opens a past year on December and lists the months that can be shown', () => {
    expect(defaultMonthOf(2025, today)).toBe(12);
    expect(defaultMonthOf(2027, today)).toBe(1);
    expect(monthsOf(2026, today)).toHaveLength(11);
    expect(monthsOf(2027, today)).toEqual([]);
  });
});

describe('spend by service', () => {
  it('keeps the costliest services and sums the rest', () => {
    const series = ['A', 'B', 'C'].map((service, i) => ({ service, amounts: [String(3 - i), '1.50'] }));
    expect(servicesSeries(series, 2)).toEqual([
      { name: 'A', amounts: [3, 1.5] },
      { name: 'B', amounts: [2, 1.5] },
      { name: 'Other services (1)', amounts: [1, 1.5] },
    ]);
    expect(servicesSeries([{ service: null, amounts: ['1'] }])).toEqual([
      { name: '(no service)', amounts: [1] },
    ]);
  });
});
