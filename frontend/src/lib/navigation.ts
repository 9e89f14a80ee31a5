import type { Permission } from '../client';

export interface NavItem {
  to: string;
  label: string;
  /** Shown only to callers whose role has one of these permissions; `null`: everyone. */
  anyOf: readonly Permission[] | null;
}

/** Who opens the spend cards: those who answer or decide them, and those who monitor spend. */
export const SPEND_CARD_PERMISSIONS: readonly Permission[] = [
  'respond_spend_cards',
  'decide_spend_cards',
  'monitor',
  'view_all_spend',
];

/** Who reads the variance report: whoever monitors spend (each in their scope). */
export const REPORT_PERMISSIONS: readonly Permission[] = ['monitor', 'view_all_spend'];
/** Who opens the recommendations: finance decides, Cloud Engineers implement, owners read. */
export const RECOMMENDATION_PERMISSIONS: readonly Permission[] = [
  'decide_recommendations',
  'implement_recommendations',
  'monitor',
];

// The menu is built from `GET /me` permissions, never from role names: the server's role
// table is the only place that says what a role may do.
export const NAV_ITEMS: readonly NavItem[] = [
  { to: '/', label: 'Summary', anyOf: null },
  { to: '/budgets', label: 'Budgets', anyOf: null },
  // The budgets' heat map: everyone, each in their scope.
  { to: '/dashboard', label: 'Heat map', anyOf: null },
  {
    to: '/spend-cards',
    label: 'Spend cards',
    anyOf: SPEND_CARD_PERMISSIONS,
  },
  // Every role sees the credits of the budgets in its scope; only finance records them.
  { to: '/credits', label: 'Credits', anyOf: null },
  { to: '/reports/variance', label: 'Variance report', anyOf: REPORT_PERMISSIONS },
  { to: '/recommendations', label: 'Recommendations', anyOf: RECOMMENDATION_PERMISSIONS },
  { to: '/accounts', label: 'Accounts', anyOf: ['manage_accounts'] },
  { to: '/resources', label: 'Resources', anyOf: ['claim_any', 'claim_own'] },
  { to: '/billing-periods', label: 'Billing periods', anyOf: ['view_all_spend'] },
  { to: '/close', label: 'Close month', anyOf: ['view_all_spend'] },
  { to: '/configuration', label: 'Configuration', anyOf: ['upload_chart_of_accounts'] },
  { to: '/discounts', label: 'Discounts', anyOf: ['manage_budgets'] },
  { to: '/users', label: 'Users', anyOf: ['manage_users'] },
  { to: '/audit', label: 'Audit log', anyOf: ['read_audit'] },
];

export function hasAny(permissions: readonly string[], anyOf: readonly Permission[] | null): boolean {
  return anyOf === null || anyOf.some((p) => permissions.includes(p));
}

export function navigationFor(permissions: readonly string[]): NavItem[] {
  return NAV_ITEMS.filter((item) => hasAny(permissions, item.anyOf));
}

export function canOpen(path: string, permissions: readonly string[]): boolean {
  const item = NAV_ITEMS.find((i) => i.to === path);
  return !item || hasAny(permissions, item.anyOf);
}
