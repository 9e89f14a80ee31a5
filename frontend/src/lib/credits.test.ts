import { describe, expect, it } from 'vitest';
import type { CreditRead, ForecastRead } from '../client';
import {
  EMPTY_DRAFT,
  creditTotals,
  daysUntil,
  draftErrors,
  expiryLabel,
  expiryState,
  finishedMonths,
  normaliseAmount,
  productName,
  unusedAtExpiry,
  usedShare,
} from './credits';

function credit(over: Partial<CreditRead> = {}): CreditRead {
  return {
    id: 1,
    budget_id: 7,
    budget_path: ['Retail', 'Digital', 'Web', 'Checkout'],
    program: 'MAP',
    amount: '1000.00',
    applied: '250.00',
    balance: '750.00',
    start_date: '2026-01-01',
    expires_on: '2027-06-30',
    reference: 'MAP-1',
    description: '',
    status: 'active',
    version: 1,
    editable: false,
    created_by: 'fin@example.com',
    created_at: '2026-01-02T10:00:00Z',
    void_reason: null,
    voided_by: null,
    voided_at: null,
    ...over,
  };
}

describe('expiry', () => {
  it('counts whole days either way', () => {
    expect(daysUntil('2026-12-31', '2026-12-01')).toBe(30);
    expect(daysUntil('2026-11-30', '2026-12-01')).toBe(-1);
  });

  it('flags void, used up, expired, soon and open credits', () => {
    const today = '2026-12-01';
    expect(expiryState(credit({ status: 'void' }), today)).toBe('void');
    expect(expiryState(credit({ balance: '0.00' }), today)).toBe('used');
    expect(expiryState(credit({ expires_on: '2026-11-30' }), today)).toBe('expired');
    expect(expiryState(credit({ expires_on: '2027-01-30' }), today)).toBe('soon');
    expect(expiryState(credit({ expires_on: '2027-01-31' }), today)).toBe('open');
    expect(expiryLabel('soon', '2026-12-02', today)).toBe('Expires in 1 day');
    expect(expiryLabel('soon', '2026-12-01', today)).toBe('Expires today');
  });
});

describe('balances', () => {
  it('shows the share used as a whole percentage', () => {
    expect(usedShare(credit())).toBe('25%');
    expect(usedShare(credit({ applied: '0.00' }))).toBe('0%');
    expect(usedShare(credit({ amount: '3.00', applied: '2.00' }))).toBe('66%');
  });

  it('sums in cents and leaves void and expired credits out of what is available', () => {
    const totals = creditTotals(
      [
        credit({ amount: '0.10', applied: '0.00', balance: '0.10' }),
        credit({ amount: '0.20', applied: '0.00', balance: '0.20' }),
        credit({ status: 'void', balance: '500.00' }),
        credit({ expires_on: '2026-01-31', balance: '9.00' }),
      ],
      '2026-12-01',
    );
    expect(totals.available).toBe('0.30');
    expect(totals.count).toBe(4);
    expect(totals.applied).toBe('500.00');
  });

  it('totals what the forecast says will expire unused', () => {
    const line = (unused: string) => ({ unused_at_expiry: unused }) as ForecastRead;
    const found = unusedAtExpiry([line('0.00'), line('10.05'), line('0.10')]);
    expect(found.lines).toHaveLength(2);
    expect(found.total).toBe('10.15');
  });
});

describe('the add form', () => {
  it('names every missing field', () => {
    expect(Object.keys(draftErrors(EMPTY_DRAFT)).sort()).toEqual([
      'amount',
      'budget_id',
      'expires_on',
      'program',
      'start_date',
    ]);
  });

  it('refuses zero, three decimals and an expiry before the start', () => {
    const ok = {
      budget_id: '3',
      program: 'PoC' as const,
      amount: '25,000.50',
      start_date: '2026-12-01',
      expires_on: '2027-11-30',
      reference: '',
      description: '',
    };
    expect(draftErrors(ok)).toEqual({});
    expect(draftErrors({ ...ok, amount: '0' }).amount).toHaveLength(1);
    expect(draftErrors({ ...ok, amount: '1.234' }).amount).toHaveLength(1);
    expect(draftErrors({ ...ok, expires_on: '2026-11-30' }).expires_on).toHaveLength(1);
    expect(normaliseAmount('25,000.5')).toBe('25000.50');
  });

  it('offers the finished months, newest first, across a year end', () => {
    expect(finishedMonths('2026-02-10', 3)).toEqual(['2026-01', '2025-12', '2025-11']);
  });
});

describe('productName', () => {
  it('is the last step of a budget path, "?" for none', () => {
    expect(productName(['Retail', 'Digital', 'Web', 'Checkout'])).toBe('Checkout');
    expect(productName([])).toBe('?');
  });
});
