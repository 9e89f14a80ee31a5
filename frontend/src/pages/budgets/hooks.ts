// Budgets: years, product budgets, the hierarchy, workloads and schedules.
// Server state through TanStack Query; every call goes through the generated SDK.
import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  allocationCreateWorkload,
  allocationListWorkloads,
  budgetsCreateBudget,
  budgetsGetBudget,
  budgetsGetHierarchy,
  budgetsListBudgets,
  budgetsListYears,
  budgetsUpdateBudget,
  schedulesActOnSchedule,
  schedulesGetSchedule,
  schedulesGetVariance,
  schedulesSaveSchedule,
  schedulesSpreadSchedule,
  type Action,
  type BudgetCreate,
  type BudgetRead,
  type ScheduleMonthWrite,
  type WorkloadWrite,
  type BudgetUpdate,
} from '../../client';
import { queryKeys, type BudgetStatusFilter, type WorkloadFilters } from '../../api/queryKeys';

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

// A load or a new line item may create a year, nodes and budgets, and is audited.
export function invalidateBudgetChanges(queryClient: ReturnType<typeof useQueryClient>) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.years });
  void queryClient.invalidateQueries({ queryKey: queryKeys.budgets.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.budgetImports.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
  // A new amount can leave approved schedules needing a reschedule: their state, variance,
  // the owners' tasks and notifications move with it.
  void queryClient.invalidateQueries({ queryKey: queryKeys.schedules.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.tasks });
  void queryClient.invalidateQueries({ queryKey: queryKeys.notifications.all });
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
    // Everything the new version touches: the budget (detail, lists, tree), its schedule
    // (which may now need a reschedule) and variance, the tasks and notifications it
    // creates, and the audit log. Without the schedule the panel kept "balanced" until a
    // reload (issue 12).
    onSuccess: (budget) => {
      queryClient.setQueryData(queryKeys.budgets.detail(budget.id), budget);
      void queryClient.invalidateQueries({ queryKey: queryKeys.budgets.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.schedules.of(budget.id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.tasks });
      void queryClient.invalidateQueries({ queryKey: queryKeys.notifications.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
    },
  });
}

// --- Workloads (the estimates under a budget) ---

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

// --- Schedules: the monthly plan of a budget and its approval ---

export function useSchedule(budgetId: number) {
  return useQuery({
    queryKey: queryKeys.schedules.of(budgetId),
    queryFn: async ({ signal }) =>
      (await schedulesGetSchedule({ path: { budget_id: budgetId }, signal, throwOnError: true })).data,
  });
}

/** The budget's months against its last approved schedule, the month in progress
 * pro-rated (server-side: GET /budgets/{id}/variance). */
export function useVariance(budgetId: number) {
  return useQuery({
    queryKey: queryKeys.schedules.variance(budgetId),
    queryFn: async ({ signal }) =>
      (await schedulesGetVariance({ path: { budget_id: budgetId }, signal, throwOnError: true })).data,
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
function invalidateScheduleChanges(queryClient: ReturnType<typeof useQueryClient>, budgetId: number) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.schedules.variance(budgetId) });
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
      invalidateScheduleChanges(queryClient, schedule.budget_id);
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
      invalidateScheduleChanges(queryClient, schedule.budget_id);
    },
    // Someone else may have moved it: the tasks list should say so.
    onError: () => void queryClient.invalidateQueries({ queryKey: queryKeys.tasks }),
  });
}
