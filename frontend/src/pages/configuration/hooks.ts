// Configuration: defining years and loading the chart of accounts.
// Server state through TanStack Query; every call goes through the generated SDK.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  budgetsDefineYear,
  budgetsImportChartOfAccounts,
  budgetsListBudgetImports,
  type BodyBudgetsImportChartOfAccounts,
  type YearCreate,
} from '../../client';
import { queryKeys } from '../../api/queryKeys';
import { invalidateBudgetChanges } from '../budgets/hooks';

export function useBudgetImports(year: number | null) {
  return useQuery({
    queryKey: queryKeys.budgetImports.list(year),
    queryFn: async ({ signal }) =>
      (await budgetsListBudgetImports({ query: year === null ? {} : { year }, signal, throwOnError: true }))
        .data,
  });
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
