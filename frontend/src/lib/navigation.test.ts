import { describe, expect, it } from 'vitest';
import type { Permission, Role } from '../client';
import { canOpen, navigationFor } from './navigation';

// What GET /me answers per role today (domain/identity/roles.py). The menu only reads
// permissions, so these fixtures are the contract the server keeps.
const FINANCE: Permission[] = [
  'upload_chart_of_accounts',
  'manage_budgets',
  'manage_accounts',
  'manage_credits',
  'claim_any',
  'decide_recommendations',
  'close_period',
  'view_all_spend',
  'view_unallocated',
  'refresh_cur',
  'monitor',
  'decide_schedules',
];
const PERMISSIONS_OF: Record<Role, Permission[]> = {
  admin: [...FINANCE, 'manage_users', 'configure', 'read_audit', 'reopen_period'],
  financial_admin: FINANCE,
  vendor_manager: [...FINANCE, 'manage_vendor_data'],
  business_unit_owner: ['monitor'],
  department_owner: ['monitor'],
  portfolio_owner: ['monitor', 'decide_schedules', 'decide_spend_cards'],
  product_owner: ['monitor', 'manage_workloads', 'claim_own', 'edit_schedules', 'respond_spend_cards'],
  cloud_engineer: ['implement_recommendations'],
};

const labels = (role: Role) => navigationFor(PERMISSIONS_OF[role]).map((item) => item.label);

describe('navigation by role', () => {
  it('gives the Admin every page, including Configuration, Users and the Audit log', () => {
    expect(labels('admin')).toEqual([
      'Summary',
      'Budgets',
      'Heat map',
      'Spend cards',
      'Credits',
      'Variance report',
      'Recommendations',
      'Accounts',
      'Resources',
      'Billing periods',
      'Close month',
      'Configuration',
      'Discounts',
      'Users',
      'Audit log',
    ]);
  });

  it.each(['financial_admin', 'vendor_manager'] as const)(
    'gives %s the finance pages and Configuration (chart-of-accounts upload)',
    (role) => {
      expect(labels(role)).toEqual([
        'Summary',
        'Budgets',
        'Heat map',
        'Spend cards',
        'Credits',
        'Variance report',
        'Recommendations',
        'Accounts',
        'Resources',
        'Billing periods',
        'Close month',
        'Configuration',
        'Discounts',
      ]);
    },
  );

  it.each(['business_unit_owner', 'department_owner', 'portfolio_owner'] as const)(
    'gives %s Summary, Budgets, the spend cards, the variance report and recommendations to monitor',
    (role) => {
      expect(labels(role)).toEqual([
        'Summary',
        'Budgets',
        'Heat map',
        'Spend cards',
        'Credits',
        'Variance report',
        'Recommendations',
      ]);
    },
  );

  it('gives the Cloud Engineer credits and the recommendations to implement (no spend cards)', () => {
    expect(labels('cloud_engineer')).toEqual([
      'Summary',
      'Budgets',
      'Heat map',
      'Credits',
      'Recommendations',
    ]);
  });

  it('gives the Product Owner the spend cards to answer and the resources to claim', () => {
    expect(labels('product_owner')).toEqual([
      'Summary',
      'Budgets',
      'Heat map',
      'Spend cards',
      'Credits',
      'Variance report',
      'Recommendations',
      'Resources',
    ]);
  });

  it('follows permissions, not role names', () => {
    expect(navigationFor(['read_audit']).map((i) => i.label)).toEqual([
      'Summary',
      'Budgets',
      'Heat map',
      'Credits',
      'Audit log',
    ]);
  });

  it('still shows the pages everyone has when the permission list is empty', () => {
    expect(navigationFor([]).map((i) => i.to)).toEqual(['/', '/budgets', '/dashboard', '/credits']);
  });

  it('guards direct addresses with the same table', () => {
    expect(canOpen('/users', PERMISSIONS_OF.product_owner)).toBe(false);
    expect(canOpen('/users', PERMISSIONS_OF.admin)).toBe(true);
    expect(canOpen('/budgets', [])).toBe(true);
    expect(canOpen('/configuration', PERMISSIONS_OF.portfolio_owner)).toBe(false);
    expect(canOpen('/configuration', PERMISSIONS_OF.financial_admin)).toBe(true);
    expect(canOpen('/no-such-page', [])).toBe(true);
    expect(canOpen('/resources', ['claim_own'])).toBe(true);
    expect(canOpen('/resources', ['claim_any'])).toBe(true);
    expect(canOpen('/resources', PERMISSIONS_OF.portfolio_owner)).toBe(false);
    expect(canOpen('/billing-periods', PERMISSIONS_OF.product_owner)).toBe(false);
  });
});
