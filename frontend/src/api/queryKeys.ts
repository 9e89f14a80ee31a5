// Query keys in one table, so a mutation invalidates exactly the lists it changes.
import type { AuditListAuditEventsData, UsersListUsersData } from '../client';

export type UserFilters = NonNullable<UsersListUsersData['query']>;
export type AuditFilters = NonNullable<AuditListAuditEventsData['query']>;

export const queryKeys = {
  me: ['me'] as const,
  users: {
    all: ['users'] as const,
    list: (filters: UserFilters) => ['users', 'list', filters] as const,
  },
  audit: {
    all: ['audit'] as const,
    list: (filters: AuditFilters) => ['audit', 'list', filters] as const,
  },
};
