import { describe, expect, it } from 'vitest';
import type { RealizedSavingsRead, RecommendationRead } from '../client';
import {
  actionNeedsComment,
  applicable,
  changeLabel,
  realizedSentence,
  rowStatusLabel,
  savingsOf,
} from './recommendations';

function rec(over: Partial<RecommendationRead>): RecommendationRead {
  return {
    id: 1,
    recommendation_id: 'r',
    account_id: '111122223333',
    account_name: null,
    region: null,
    action_type: 'Rightsize',
    known_action_type: true,
    resource_arn: 'arn',
    resource_id: 'i-1',
    in_cur: true,
    current_resource_type: null,
    current_resource_summary: null,
    recommended_resource_type: null,
    recommended_resource_summary: null,
    implementation_effort: null,
    restart_needed: null,
    rollback_possible: null,
    currency: 'USD',
    monthly_savings: null,
    monthly_cost: null,
    savings_percentage: null,
    status: 'new',
    resolved: false,
    resolved_at: null,
    version: 1,
    first_seen_at: '2026-11-01T00:00:00Z',
    last_seen_at: '2026-11-01T00:00:00Z',
    status_changed_at: null,
    budgets: [],
    actions: [],
    ...over,
  };
}

const realized = (over: Partial<RealizedSavingsRead>): RealizedSavingsRead => ({
  implemented_on: '2026-05-20',
  before_month: '2026-04',
  after_month: '2026-06',
  state: 'measured',
  before_cost: '300.00',
  after_cost: '100.00',
  realized: '200.00',
  ...over,
});

describe('recommendations', () => {
  it('sums savings exactly, skipping empty estimates', () => {
    expect(savingsOf([rec({ monthly_savings: '0.10' }), rec({ monthly_savings: '0.20' }), rec({})])).toBe(
      '0.30',
    );
    expect(savingsOf([])).toBe('0.00');
  });

  it('applies a bulk action only to the rows that allow it', () => {
    const rows = [rec({ id: 1, actions: ['approve', 'ignore'] }), rec({ id: 2, actions: ['reopen'] })];
    expect(applicable(rows, 'approve').map((r) => r.id)).toEqual([1]);
    expect(applicable(rows, 'implement')).toEqual([]);
  });

  it('labels resolved rows with the status they had', () => {
    expect(rowStatusLabel({ status: 'approved', resolved: true })).toBe('Resolved (was approved)');
    expect(rowStatusLabel({ status: 'new', resolved: false })).toBe('New');
  });

  it('asks a comment to ignore only', () => {
    expect(actionNeedsComment('ignore')).toBe(true);
    expect(actionNeedsComment('approve')).toBe(false);
  });

  it('describes the change', () => {
    expect(changeLabel({ action_type: 'Stop', recommended_resource_summary: null })).toBe('Stop');
    expect(changeLabel({ action_type: 'Rightsize', recommended_resource_summary: 'm7g.large' })).toBe(
      'Rightsize → m7g.large',
    );
  });

  it('says what was realized', () => {
    expect(realizedSentence(realized({}))).toBe('Saved 200.00 a month (2026-04 against 2026-06).');
    expect(realizedSentence(realized({ realized: '-1234.50' }))).toBe(
      'The resource cost 1,234.50 more a month (2026-04 against 2026-06).',
    );
    expect(realizedSentence(realized({ state: 'waiting', realized: null }))).toMatch(/once 2026-06 is over/);
    expect(realizedSentence(realized({ state: 'not_in_cur', realized: null }))).toMatch(/does not show/);
    expect(realizedSentence(realized({ realized: null }))).toMatch(/not delivered/);
  });
});
