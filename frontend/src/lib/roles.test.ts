import { describe, expect, it } from 'vitest';
import { ROLE_LABELS, ROLES, isRole, roleLabel, scopeLevel } from './roles';

describe('role labels', () => {
  it('offers the eight roles of SPEC section 1, each with a human label', () => {
    expect(ROLES).toHaveLength(8);
    expect(new Set(ROLES).size).toBe(8);
    expect(Object.keys(ROLE_LABELS).sort()).toEqual([...ROLES].sort());
    expect(roleLabel('business_unit_owner')).toBe('Business Unit Owner');
    expect(roleLabel('financial_admin')).toBe('Financial Admin');
  });

  it('shows an unknown role code as it is rather than hiding it', () => {
    expect(roleLabel('auditor')).toBe('auditor');
    expect(isRole('auditor')).toBe(false);
    expect(isRole('cloud_engineer')).toBe(true);
  });
});

describe('scope levels', () => {
  it('maps each owner role to the level of its nodes, and no other role', () => {
    expect(scopeLevel('business_unit_owner')).toBe(1);
    expect(scopeLevel('department_owner')).toBe(2);
    expect(scopeLevel('portfolio_owner')).toBe(3);
    expect(scopeLevel('product_owner')).toBe(4);
    expect(ROLES.filter((r) => scopeLevel(r) === null)).toEqual([
      'admin',
      'financial_admin',
      'vendor_manager',
      'cloud_engineer',
    ]);
  });
});
