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
