import { describe, expect, it } from 'vitest';
import type { SpendCardRead } from '../client';
import {
  actionNeedsComment,
  colourLabel,
  filterCards,
  formatRatio,
  formatShare,
  groupCards,
  isCardConflict,
  pendingLabel,
  periodLabel,
  recentMonths,
} from './spendCards';
import { ApiError, toProblem } from './problem';

function card(over: Partial<SpendCardRead> & { colour?: SpendCardRead['figures']['colour'] }): SpendCardRead {
  const { colour = 'black', ...rest } = over;
  return {
    id: 1,
    budget_id: 1,
    budget_path: ['Retail', 'Web', 'Shop', 'Checkout'],
    period_start: '2026-11-08',
    period_end: '2026-11-14',
    status: 'open',
    version: 1,
    figures: {
      actual: '10.00',
      budget: '10.00',
      variance: '0.00',
      variance_ratio: '0.0000',
      colour,
      month_scheduled: '30.00',
      month_to_date: '20.00',
      month_to_date_budget: '20.00',
      forecast: '30.00',
      forecast_variance: '0.00',
    },
    pending_side: 'owner',
    pending_with: [{ id: 7, name: 'Paul Product', email: 'product@x' }],
    actions: [],
    responded_by: null,
    decisions: [],
    corrections: [],
    notes: [],
    ...rest,
  };
}

describe('spend cards', () => {
  it('labels every colour in words', () => {
    expect(colourLabel('black')).toBe('On budget');
    expect(colourLabel('green')).toBe('Under budget');
    expect(colourLabel('orange')).toBe('Over budget');
    expect(colourLabel('red')).toBe('Well over budget');
  });

  it('formats a variance ratio as a signed percentage without floats', () => {
    expect(formatRatio('0.1234')).toBe('+12.34 %');
    expect(formatRatio('-0.0250')).toBe('−2.50 %');
    expect(formatRatio('0.0000')).toBe('0.00 %');
    expect(formatRatio('1.5')).toBe('+150.00 %');
    expect(formatRatio('0.123456')).toBe('+12.35 %');
    expect(formatRatio(null)).toBe('—');
    expect(formatShare('0.4')).toBe('40.00 %');
  });

  it('names a period in one month or across two', () => {
    expect(periodLabel('2026-11-08', '2026-11-14')).toBe('8–14 Nov 2026');
    expect(periodLabel('2026-11-01', '2026-11-01')).toBe('1 Nov 2026');
    expect(periodLabel('2026-12-27', '2027-01-02')).toBe('27 Dec 2026 – 2 Jan 2027');
  });

  it('says who must act', () => {
    expect(pendingLabel(card({}))).toBe('Product Owner: Paul Product');
    expect(pendingLabel(card({ pending_side: 'decider', pending_with: [] }))).toBe(
      'Portfolio Owner (nobody assigned)',
    );
    expect(pendingLabel(card({ status: 'approved', pending_side: null, pending_with: [] }))).toBe(
      'Nobody (closed)',
    );
    expect(pendingLabel(card({ status: 'open', pending_side: null, pending_with: [] }))).toBe(
      'Nobody (too old to decide)',
    );
  });

  it('requires a comment to dispute, reject and resolve only', () => {
    expect(actionNeedsComment('accept')).toBe(false);
    expect(actionNeedsComment('approve')).toBe(false);
    expect(actionNeedsComment('dispute')).toBe(true);
    expect(actionNeedsComment('reject')).toBe(true);
    expect(actionNeedsComment('resolve')).toBe(true);
  });

  it('groups by status and colour in a fixed order, by owner by name with closed last', () => {
    const cards = [
      card({ id: 1, status: 'approved', colour: 'green', pending_side: null, pending_with: [] }),
      card({ id: 2, status: 'open', colour: 'red' }),
      card({
        id: 3,
        status: 'accepted',
        colour: 'red',
        pending_side: 'decider',
        pending_with: [{ id: 8, name: 'Ann Able', email: 'ann@x' }],
      }),
    ];
    expect(groupCards(cards, 'status').map((g) => g.label)).toEqual(['Open', 'Accepted', 'Approved']);
    expect(groupCards(cards, 'colour').map((g) => [g.label, g.cards.length])).toEqual([
      ['Well over budget', 2],
      ['Under budget', 1],
    ]);
    expect(groupCards(cards, 'owner').map((g) => g.label)).toEqual(['Ann Able', 'Paul Product', 'Nobody']);
  });

  it('filters by colour and by the person who must act', () => {
    const cards = [card({ id: 1, colour: 'red' }), card({ id: 2, colour: 'green', pending_with: [] })];
    expect(filterCards(cards, { colour: 'red', owner: '' }).map((c) => c.id)).toEqual([1]);
    expect(filterCards(cards, { colour: '', owner: 'product@x' }).map((c) => c.id)).toEqual([1]);
    expect(filterCards(cards, { colour: '', owner: '' })).toHaveLength(2);
  });

  it('lists recent months across a year end', () => {
    expect(recentMonths('2026-02-10', 3)).toEqual(['2026-02', '2026-01', '2025-12']);
  });

  it('treats a 409 as a conflict to reload', () => {
    expect(isCardConflict(new ApiError(toProblem(409, { detail: 'stale' })))).toBe(true);
    expect(isCardConflict(new ApiError(toProblem(422, { detail: 'comment' })))).toBe(false);
  });
});
