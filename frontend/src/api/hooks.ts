// Server state through TanStack Query; every call goes through the generated SDK.
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQueries,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import {
  accountsCreateAccount,
  accountsDiscoverAccounts,
  accountsGetAccount,
  accountsListAccounts,
  accountsUpdateAccount,
  allocationAllocationSummary,
  allocationCarryForward,
  allocationClaimResources,
  allocationCreateWorkload,
  allocationGetAccountAllocation,
  allocationListClaims,
  allocationListWorkloads,
  allocationReleaseResources,
  allocationSetAccountAllocation,
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
  schedulesActOnSchedule,
  schedulesGetSchedule,
  schedulesListNotifications,
  schedulesListTasks,
  schedulesMarkNotificationRead,
  schedulesSaveSchedule,
  schedulesSpreadSchedule,
  spendGetSpend,
  spendListBillingPeriods,
  spendListCurEvents,
  spendListResources,
  spendRefreshCur,
  usersCreateUser,
  usersImportUsers,
  usersListUsers,
  usersUpdateUser,
  type AccountCreate,
  type AccountUpdate,
  type CarryForwardWrite,
  type Action,
  type BodyBudgetsImportChartOfAccounts,
  type BudgetCreate,
  type BudgetRead,
  type ScheduleMonthWrite,
  type SplitWrite,
  type WorkloadWrite,
  type BudgetUpdate,
  type UserCreate,
  type UserUpdate,
  type YearCreate,
} from '../client';
import {
  queryKeys,
  type AccountFilters,
  type AuditFilters,
  type BudgetStatusFilter,
  type ClaimFilters,
  type ResourceFilters,
  type SpendQuery,
  type UserFilters,
  type WorkloadFilters,
} from './queryKeys';
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

function budgetsQuery(year: number, status: BudgetStatusFilter) {
  return {
    queryKey: queryKeys.budgets.list(year, status),
    queryFn: async ({ signal }: { signal: AbortSignal }) =>
      (
        await budgetsListBudgets({
          query: { year, ...(status === 'all' ? {} : { status }) },
          signal,
          throwOnError: true,
        })
      ).data,
  };
}

export function useBudgets(year: number | null, status: BudgetStatusFilter) {
  return useQuery({
    ...budgetsQuery(year ?? 0, status),
    enabled: year !== null,
    placeholderData: keepPreviousData,
  });
}

/** Every budget (active or retired) of some years in the caller's scope, by id: to name the
 * budgets that splits, claims and spend rows refer to by id. Shares the budgets list cache. */
export function useBudgetDirectory(years: readonly number[]): Map<number, BudgetRead> {
  const unique = [...new Set(years)].sort();
  const results = useQueries({
    queries: unique.map((year) => ({ ...budgetsQuery(year, 'all'), staleTime: 60_000 })),
  });
  const directory = new Map<number, BudgetRead>();
  for (const result of results)
    for (const budget of result.data?.items ?? []) directory.set(budget.id, budget);
  return directory;
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

// --- Accounts and their allocation (splits) ---

export function useAccounts(filters: AccountFilters, enabled = true) {
  return useQuery({
    queryKey: queryKeys.accounts.list(filters),
    queryFn: async ({ signal }) =>
      (await accountsListAccounts({ query: filters, signal, throwOnError: true })).data,
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useAccount(id: string) {
  return useQuery({
    queryKey: queryKeys.accounts.detail(id),
    queryFn: async ({ signal }) =>
      (await accountsGetAccount({ path: { account_id: id }, signal, throwOnError: true })).data,
  });
}

function invalidateAccountChanges(queryClient: ReturnType<typeof useQueryClient>) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.accounts.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
}

export function useCreateAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: AccountCreate) =>
      (await accountsCreateAccount({ body, throwOnError: true })).data,
    onSuccess: () => invalidateAccountChanges(queryClient),
  });
}

export function useUpdateAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, changes }: { id: string; changes: AccountUpdate }) =>
      (await accountsUpdateAccount({ path: { account_id: id }, body: changes, throwOnError: true })).data,
    onSuccess: (account) => {
      queryClient.setQueryData(queryKeys.accounts.detail(account.account_id), account);
      invalidateAccountChanges(queryClient);
    },
  });
}

export function useDiscoverAccounts() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => (await accountsDiscoverAccounts({ throwOnError: true })).data,
    onSuccess: () => invalidateAccountChanges(queryClient),
  });
}

export function useAccountAllocation(id: string) {
  return useQuery({
    queryKey: queryKeys.allocation.ofAccount(id),
    queryFn: async ({ signal }) =>
      (await allocationGetAccountAllocation({ path: { account_id: id }, signal, throwOnError: true })).data,
  });
}

/** The turn of the fiscal year (SPEC 3): a dry run answers the proposal, an apply carries the
 * splits, workloads and claims onto the new year's same-path products. */
export function useCarryForward() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: CarryForwardWrite) =>
      (await allocationCarryForward({ body, throwOnError: true })).data,
    onSuccess: (result) => {
      if (!result.applied) return;
      void queryClient.invalidateQueries({ queryKey: queryKeys.allocation.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.workloads.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.claims.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.spend.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
    },
  });
}

export function useSetAccountAllocation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, split }: { id: string; split: SplitWrite }) =>
      (await allocationSetAccountAllocation({ path: { account_id: id }, body: split, throwOnError: true }))
        .data,
    onSuccess: (history, { id }) => {
      queryClient.setQueryData(queryKeys.allocation.ofAccount(id), history);
      void queryClient.invalidateQueries({ queryKey: queryKeys.allocation.summary });
      void queryClient.invalidateQueries({ queryKey: queryKeys.spend.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
    },
  });
}

export function useAllocationSummary() {
  return useQuery({
    queryKey: queryKeys.allocation.summary,
    queryFn: async ({ signal }) => (await allocationAllocationSummary({ signal, throwOnError: true })).data,
  });
}

// --- Spend data: billing periods, CUR refreshes, resources, allocated spend ---

export function useBillingPeriods(enabled = true) {
  return useQuery({
    queryKey: queryKeys.billingPeriods,
    queryFn: async ({ signal }) => (await spendListBillingPeriods({ signal, throwOnError: true })).data,
    enabled,
  });
}

export function useCurEvents(enabled = true) {
  return useQuery({
    queryKey: queryKeys.curEvents,
    queryFn: async ({ signal }) => (await spendListCurEvents({ signal, throwOnError: true })).data,
    enabled,
  });
}

export function useRefreshCur() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => (await spendRefreshCur({ throwOnError: true })).data,
    onSettled: () => {
      // A failed refresh is recorded as an event too.
      void queryClient.invalidateQueries({ queryKey: queryKeys.curEvents });
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.billingPeriods });
      void queryClient.invalidateQueries({ queryKey: queryKeys.resources.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.spend.all });
    },
  });
}

export function useSpend(query: SpendQuery, enabled = true) {
  return useQuery({
    queryKey: queryKeys.spend.query(query),
    queryFn: async ({ signal }) => (await spendGetSpend({ query, signal, throwOnError: true })).data,
    enabled,
  });
}

/** Several spend answers at once (one per billing period), in the order asked. */
export function useSpendQueries(queries: readonly SpendQuery[]) {
  return useQueries({
    queries: queries.map((query) => ({
      queryKey: queryKeys.spend.query(query),
      queryFn: async ({ signal }: { signal: AbortSignal }) =>
        (await spendGetSpend({ query, signal, throwOnError: true })).data,
    })),
  });
}

export function useResources(filters: ResourceFilters) {
  return useInfiniteQuery({
    queryKey: queryKeys.resources.list(filters),
    queryFn: async ({ pageParam, signal }) =>
      (
        await spendListResources({
          query: { ...filters, ...(pageParam ? { cursor: pageParam } : {}) },
          signal,
          throwOnError: true,
        })
      ).data,
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor ?? null,
    placeholderData: keepPreviousData,
  });
}

// --- Workloads and claims ---

export function useWorkloads(filters: WorkloadFilters, enabled = true) {
  return useQuery({
    queryKey: queryKeys.workloads.list(filters),
    queryFn: async ({ signal }) =>
      (await allocationListWorkloads({ query: filters, signal, throwOnError: true })).data,
    enabled,
  });
}

export function useCreateWorkload() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: WorkloadWrite) =>
      (await allocationCreateWorkload({ body, throwOnError: true })).data,
    onSuccess: (workload) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.workloads.all });
      // The schedule shows the workload estimates month by month.
      void queryClient.invalidateQueries({ queryKey: queryKeys.schedules.of(workload.budget_id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
    },
  });
}

export function useClaims(filters: ClaimFilters, enabled = true) {
  return useQuery({
    queryKey: queryKeys.claims.list(filters),
    queryFn: async ({ signal }) =>
      (await allocationListClaims({ query: filters, signal, throwOnError: true })).data,
    enabled,
  });
}

function invalidateClaimChanges(queryClient: ReturnType<typeof useQueryClient>) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.claims.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.spend.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
}

export function useClaimResources() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ workloadId, resourceIds }: { workloadId: number; resourceIds: string[] }) =>
      (
        await allocationClaimResources({
          path: { workload_id: workloadId },
          body: { resource_ids: resourceIds },
          throwOnError: true,
        })
      ).data,
    onSuccess: () => invalidateClaimChanges(queryClient),
  });
}

export function useReleaseResources() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (resourceIds: string[]) =>
      (await allocationReleaseResources({ body: { resource_ids: resourceIds }, throwOnError: true })).data,
    onSuccess: () => invalidateClaimChanges(queryClient),
  });
}

// --- Schedules, tasks and notifications ---

export function useSchedule(budgetId: number) {
  return useQuery({
    queryKey: queryKeys.schedules.of(budgetId),
    queryFn: async ({ signal }) =>
      (await schedulesGetSchedule({ path: { budget_id: budgetId }, signal, throwOnError: true })).data,
  });
}

/** The schedule as the server has it now (fresh, not from the cache): its version. */
export function useFetchSchedule() {
  const queryClient = useQueryClient();
  return (budgetId: number) =>
    queryClient.fetchQuery({
      queryKey: queryKeys.schedules.of(budgetId),
      queryFn: async ({ signal }) =>
        (await schedulesGetSchedule({ path: { budget_id: budgetId }, signal, throwOnError: true })).data,
      staleTime: 0,
    });
}

// A schedule change moves the budget's status (lists, tree, detail), the tasks of the
// deciders and owners, their notifications, and the audit log.
function invalidateScheduleChanges(queryClient: ReturnType<typeof useQueryClient>) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.budgets.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.tasks });
  void queryClient.invalidateQueries({ queryKey: queryKeys.notifications.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
}

export function useSaveSchedule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({
      budgetId,
      months,
      version,
    }: {
      budgetId: number;
      months: ScheduleMonthWrite[];
      version: number;
    }) =>
      (
        await schedulesSaveSchedule({
          path: { budget_id: budgetId },
          body: { months, version },
          throwOnError: true,
        })
      ).data,
    onSuccess: (schedule) => {
      queryClient.setQueryData(queryKeys.schedules.of(schedule.budget_id), schedule);
      invalidateScheduleChanges(queryClient);
    },
  });
}

export function useSpreadSchedule() {
  return useMutation({
    mutationFn: async ({ budgetId, method }: { budgetId: number; method: 'even' | 'estimates' }) =>
      (await schedulesSpreadSchedule({ path: { budget_id: budgetId }, body: { method }, throwOnError: true }))
        .data,
  });
}

export function useScheduleAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({
      budgetId,
      action,
      version,
      reason,
    }: {
      budgetId: number;
      action: Action;
      version: number;
      reason?: string;
    }) =>
      (
        await schedulesActOnSchedule({
          path: { budget_id: budgetId, action },
          body: { version, ...(reason ? { reason } : {}) },
          throwOnError: true,
        })
      ).data,
    onSuccess: (schedule) => {
      queryClient.setQueryData(queryKeys.schedules.of(schedule.budget_id), schedule);
      invalidateScheduleChanges(queryClient);
    },
    // Someone else may have moved it: the tasks list should say so.
    onError: () => void queryClient.invalidateQueries({ queryKey: queryKeys.tasks }),
  });
}

export function useTasks() {
  return useQuery({
    queryKey: queryKeys.tasks,
    queryFn: async ({ signal }) => (await schedulesListTasks({ signal, throwOnError: true })).data,
  });
}

export function useNotifications(unread: boolean) {
  return useQuery({
    queryKey: queryKeys.notifications.list(unread),
    queryFn: async ({ signal }) =>
      (await schedulesListNotifications({ query: { unread }, signal, throwOnError: true })).data,
  });
}

export async function fetchNotifications(unread: boolean) {
  return (await schedulesListNotifications({ query: { unread }, throwOnError: true })).data;
}

export function useMarkNotificationRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) =>
      (await schedulesMarkNotificationRead({ path: { notification_id: id }, throwOnError: true })).data,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.notifications.all }),
  });
}
