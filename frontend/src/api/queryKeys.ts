// Query keys in one table, so a mutation invalidates exactly the lists it changes.
import type { AuditListAuditEventsData, UsersListUsersData } from '../client';

export type UserFilters = NonNullable<UsersListUsersData['query']>;
/** `all` leaves the status out of the request. */
export type BudgetStatusFilter = 'active' | 'retired' | 'all';
export type AuditFilters = NonNullable<AuditListAuditEventsData['query']>;

export const queryKeys = {
  me: ['me'] as const,
  users: {
    all: ['users'] as const,
    list: (filters: UserFilters) => ['users', 'list', filters] as const,
  },
  years: ['years'] as const,
  // Lists, details and the hierarchy share one prefix: any budget change refreshes them all.
  budgets: {
    all: ['budgets'] as const,
    list: (year: number, status: BudgetStatusFilter) => ['budgets', 'list', year, status] as const,
    detail: (id: number) => ['budgets', 'detail', id] as const,
    hierarchy: (year: number) => ['budgets', 'hierarchy', year] as const,
  },
  budgetImports: {
    all: ['budget-imports'] as const,
    list: (year: number | null) => ['budget-imports', 'list', year] as const,
  },
  scope: {
    all: ['scope'] as const,
    of: (userId: number) => ['scope', userId] as const,
  },
  audit: {
    all: ['audit'] as const,
    list: (filters: AuditFilters) => ['audit', 'list', filters] as const,
  },
};
