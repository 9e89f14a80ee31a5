import { describe, expect, it } from 'vitest';
import { describeChanges, entityLabel } from './audit';

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
