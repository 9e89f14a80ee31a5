// Users and their budget scope.
// Server state through TanStack Query; every call goes through the generated SDK.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  budgetsGetUserScope,
  budgetsSetUserScope,
  usersCreateUser,
  usersImportUsers,
  usersListUsers,
  usersUpdateUser,
  type UserCreate,
  type UserUpdate,
} from '../../client';
import { queryKeys, type UserFilters } from '../../api/queryKeys';

export function useUsers(filters: UserFilters) {
  return useQuery({
    queryKey: queryKeys.users.list(filters),
    queryFn: async ({ signal }) =>
      (await usersListUsers({ query: filters, signal, throwOnError: true })).data,
    placeholderData: keepPreviousData,
  });
}

/** Every user matching the filters (all pages), for the CSV download. */
export async function fetchAllUsers(filters: Omit<UserFilters, 'limit' | 'offset'>) {
  const limit = 1000;
  const all = [];
  for (let offset = 0; ; offset += limit) {
    const page = (await usersListUsers({ query: { ...filters, limit, offset }, throwOnError: true })).data;
    all.push(...page.items);
    if (page.items.length === 0 || all.length >= page.total) return all;
  }
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: UserCreate) => (await usersCreateUser({ body, throwOnError: true })).data,
    onSuccess: () => invalidateUserChanges(queryClient),
  });
}

export function useImportUsers() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (file: File) => (await usersImportUsers({ body: { file }, throwOnError: true })).data,
    onSuccess: () => invalidateUserChanges(queryClient),
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, changes }: { id: number; changes: UserUpdate }) =>
      (await usersUpdateUser({ path: { user_id: id }, body: changes, throwOnError: true })).data,
    onSuccess: (user) => {
      invalidateUserChanges(queryClient);
      // Changing one's own name or role changes the menu.
      const me = queryClient.getQueryData<{ id: number }>(queryKeys.me);
      if (me?.id === user.id) void queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
  });
}

// Every user change writes an audit event, so the audit lists are stale too; a new role
// may also change what scope the user can have.
function invalidateUserChanges(queryClient: ReturnType<typeof useQueryClient>) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.users.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.scope.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
}

export function useUserScope(userId: number, enabled = true) {
  return useQuery({
    queryKey: queryKeys.scope.of(userId),
    queryFn: async ({ signal }) =>
      (await budgetsGetUserScope({ path: { user_id: userId }, signal, throwOnError: true })).data,
    enabled,
  });
}

export function useSetUserScope() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ userId, nodeIds }: { userId: number; nodeIds: number[] }) =>
      (
        await budgetsSetUserScope({
          path: { user_id: userId },
          body: { node_ids: nodeIds },
          throwOnError: true,
        })
      ).data,
    onSuccess: (scope) => {
      queryClient.setQueryData(queryKeys.scope.of(scope.user_id), scope);
      void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
    },
  });
}
