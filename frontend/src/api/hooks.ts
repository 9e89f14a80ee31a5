// Server state through TanStack Query; every call goes through the generated SDK.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  auditListAuditEvents,
  authLogin,
  authReadMe,
  budgetsCreateBudget,
  budgetsDefineYear,
  budgetsGetBudget,
  budgetsGetHierarchy,
  budgetsGetUserScope,
  budgetsImportChartOfAccounts,
  budgetsListBudgetImports,
  budgetsListBudgets,
  budgetsListYears,
  budgetsSetUserScope,
  budgetsUpdateBudget,
  usersCreateUser,
  usersImportUsers,
  usersListUsers,
  usersUpdateUser,
  type BodyBudgetsImportChartOfAccounts,
  type BudgetCreate,
  type BudgetUpdate,
  type UserCreate,
  type UserUpdate,
  type YearCreate,
} from '../client';
import { queryKeys, type AuditFilters, type BudgetStatusFilter, type UserFilters } from './queryKeys';
import { getToken, setToken } from './session';

export function useMe() {
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: async ({ signal }) => (await authReadMe({ signal, throwOnError: true })).data,
    enabled: getToken() !== null,
    staleTime: 5 * 60_000,
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (form: { username: string; password: string }) =>
      (await authLogin({ body: form, throwOnError: true })).data,
    onSuccess: (token) => {
      queryClient.clear();
      setToken(token.access_token);
    },
  });
}

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

export function useAuditEvents(filters: AuditFilters) {
  return useQuery({
    queryKey: queryKeys.audit.list(filters),
    queryFn: async ({ signal }) =>
      (await auditListAuditEvents({ query: filters, signal, throwOnError: true })).data,
    placeholderData: keepPreviousData,
  });
}

export async function fetchAllAuditEvents(filters: Omit<AuditFilters, 'limit' | 'offset'>) {
  const limit = 1000;
  const all = [];
  for (let offset = 0; ; offset += limit) {
    const page = (await auditListAuditEvents({ query: { ...filters, limit, offset }, throwOnError: true }))
      .data;
    all.push(...page.items);
    if (page.items.length === 0 || all.length >= page.total) return all;
  }
}

// --- Budgets: years, product budgets, the hierarchy, chart-of-accounts imports, scope ---

export function useYears() {
  return useQuery({
    queryKey: queryKeys.years,
    queryFn: async ({ signal }) => (await budgetsListYears({ signal, throwOnError: true })).data,
  });
}

export function useBudgets(year: number | null, status: BudgetStatusFilter) {
  return useQuery({
    queryKey: queryKeys.budgets.list(year ?? 0, status),
    queryFn: async ({ signal }) =>
      (
        await budgetsListBudgets({
          query: { year, ...(status === 'all' ? {} : { status }) },
          signal,
          throwOnError: true,
        })
      ).data,
    enabled: year !== null,
    placeholderData: keepPreviousData,
  });
}

export function useBudget(id: number) {
  return useQuery({
    queryKey: queryKeys.budgets.detail(id),
    queryFn: async ({ signal }) =>
      (await budgetsGetBudget({ path: { budget_id: id }, signal, throwOnError: true })).data,
  });
}

export function useHierarchy(year: number | null) {
  return useQuery({
    queryKey: queryKeys.budgets.hierarchy(year ?? 0),
    queryFn: async ({ signal }) =>
      (await budgetsGetHierarchy({ query: { year: year ?? 0 }, signal, throwOnError: true })).data,
    enabled: year !== null,
  });
}

export function useBudgetImports(year: number | null) {
  return useQuery({
    queryKey: queryKeys.budgetImports.list(year),
    queryFn: async ({ signal }) =>
      (await budgetsListBudgetImports({ query: year === null ? {} : { year }, signal, throwOnError: true }))
        .data,
  });
}

// A load or a new line item may create a year, nodes and budgets, and is audited.
function invalidateBudgetChanges(queryClient: ReturnType<typeof useQueryClient>) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.years });
  void queryClient.invalidateQueries({ queryKey: queryKeys.budgets.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.budgetImports.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
}

export function useImportChart() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: BodyBudgetsImportChartOfAccounts) =>
      (await budgetsImportChartOfAccounts({ body, throwOnError: true })).data,
    onSuccess: () => invalidateBudgetChanges(queryClient),
  });
}

export function useDefineYear() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: YearCreate) => (await budgetsDefineYear({ body, throwOnError: true })).data,
    onSuccess: () => invalidateBudgetChanges(queryClient),
  });
}

export function useCreateBudget() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: BudgetCreate) => (await budgetsCreateBudget({ body, throwOnError: true })).data,
    onSuccess: () => invalidateBudgetChanges(queryClient),
  });
}

export function useChangeBudgetAmount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, change }: { id: number; change: BudgetUpdate }) =>
      (await budgetsUpdateBudget({ path: { budget_id: id }, body: change, throwOnError: true })).data,
    onSuccess: (budget) => {
      queryClient.setQueryData(queryKeys.budgets.detail(budget.id), budget);
      void queryClient.invalidateQueries({ queryKey: queryKeys.budgets.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
    },
  });
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
