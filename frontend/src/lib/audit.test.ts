import { describe, expect, it } from 'vitest';
import { changeLines, describeAction, describeChanges, entityHref, entityLabel } from './audit';

describe('entityLabel', () => {
  it('names the object by e-mail first, then by name', () => {
    expect(entityLabel({ email: 'old@x.com' }, { email: 'new@x.com', name: 'N' })).toBe('new@x.com');
    expect(entityLabel({ name: 'Payments' }, null)).toBe('Payments');
    expect(entityLabel(null, { amount: 5 })).toBe('');
  });
});

describe('describeChanges', () => {
  it('lists only the fields that changed', () => {
    expect(
      describeChanges(
        { email: 'a@x.com', role: 'product_owner', is_active: true },
        { email: 'a@x.com', role: 'cloud_engineer', is_active: false },
      ),
    ).toBe('role: product_owner → cloud_engineer; is_active: true → false');
  });

  it('lists every field of a created object', () => {
    expect(describeChanges(null, { email: 'a@x.com', role: 'admin' })).toBe('email: a@x.com; role: admin');
  });

  it('says nothing for events without snapshots', () => {
    expect(describeChanges(null, null)).toBe('');
  });
});

describe('describeAction', () => {
  it('reads as words, known or not', () => {
    expect(describeAction('schedule.approve')).toBe('approved the schedule of');
    expect(describeAction('credit.record_usage')).toBe('record usage (credit)');
  });
});

describe('entityHref', () => {
  it('links to the page of the object', () => {
    expect(entityHref('schedule', '12', null, null)).toBe('/budgets/12');
    expect(entityHref('account', '012345678901', null, null)).toBe('/accounts/012345678901');
    expect(entityHref('workload', '3', null, { budget_id: 7 })).toBe('/budgets/7');
    expect(entityHref('claim', '3', null, {})).toBeNull();
  });
});

describe('changeLines', () => {
  it('keeps only the changed fields, before and after', () => {
    expect(changeLines({ role: 'a', name: 'N' }, { role: 'b', name: 'N' })).toEqual([
      { field: 'role', before: 'a', after: 'b' },
    ]);
  });

  it('shows every field of a created object with no before', () => {
    expect(changeLines(null, { splits: [{ budget_id: 1, percent: '100.00' }] })).toEqual([
      { field: 'splits', before: null, after: '[{"budget_id":1,"percent":"100.00"}]' },
    ]);
  });
});
