import type { Permission } from '../client';

export interface NavItem {
  to: string;
  label: string;
  /** Shown only to callers whose role has this permission; `null`: everyone. */
  permission: Permission | null;
}

// The menu is built from `GET /me` permissions, never from role names: the server's role
// table is the only place that says what a role may do.
export const NAV_ITEMS: readonly NavItem[] = [
  { to: '/', label: 'Summary', permission: null },
  { to: '/budgets', label: 'Budgets', permission: null },
  { to: '/configuration', label: 'Configuration', permission: 'upload_chart_of_accounts' },
  { to: '/users', label: 'Users', permission: 'manage_users' },
  { to: '/audit', label: 'Audit log', permission: 'read_audit' },
];

export function navigationFor(permissions: readonly string[]): NavItem[] {
  return NAV_ITEMS.filter((item) => item.permission === null || permissions.includes(item.permission));
}

export function canOpen(path: string, permissions: readonly string[]): boolean {
  const item = NAV_ITEMS.find((i) => i.to === path);
  return !item || item.permission === null || permissions.includes(item.permission);
}
