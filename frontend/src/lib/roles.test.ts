import { describe, expect, it } from 'vitest';
import { ROLE_LABELS, ROLES, isRole, roleLabel } from './roles';

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
