import type { Role } from '../client';

// Typed against the generated `Role`: a role added on the server fails the build until it
// has a label here.
export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin',
  financial_admin: 'Financial Admin',
  vendor_manager: 'Vendor Manager',
  business_unit_owner: 'Business Unit Owner',
  department_owner: 'Department Owner',
  portfolio_owner: 'Portfolio Owner',
  product_owner: 'Product Owner',
  cloud_engineer: 'Cloud Engineer',
};

/** In the order of SPEC section 1 (widest view first), for selects. */
export const ROLES: readonly Role[] = [
  'admin',
  'financial_admin',
  'vendor_manager',
  'business_unit_owner',
  'department_owner',
  'portfolio_owner',
  'product_owner',
  'cloud_engineer',
];

export function roleLabel(role: string): string {
  return (ROLE_LABELS as Record<string, string>)[role] ?? role;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Owner roles see a financial scope: the level (1 = top) of the nodes they are mapped to.
 * The other roles see by role and have no scope (the server answers 422). */
export const SCOPE_LEVEL: Partial<Record<Role, number>> = {
  business_unit_owner: 1,
  department_owner: 2,
  portfolio_owner: 3,
  product_owner: 4,
};

export function scopeLevel(role: string): number | null {
  return (SCOPE_LEVEL as Record<string, number | undefined>)[role] ?? null;
}
