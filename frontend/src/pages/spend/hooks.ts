// Spend data: billing periods, CUR refreshes and allocated spend.
// Server state through TanStack Query; every call goes through the generated SDK.
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  spendCurRefreshStatus,
  spendGetSpend,
  spendListBillingPeriods,
  spendListCurEvents,
  spendRefreshCur,
} from '../../client';
import { queryKeys, type SpendQuery } from '../../api/queryKeys';

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

/** The running refresh (polled every half second while `polling`), else the last one;
 * `null` when none has run (204). */
export function useRefreshStatus(enabled: boolean, polling: boolean) {
  return useQuery({
    queryKey: queryKeys.refreshStatus,
    queryFn: async ({ signal }) => {
      const { data, response } = await spendCurRefreshStatus({ signal, throwOnError: true });
      return response.status === 204 ? null : (data ?? null);
    },
    enabled,
    refetchInterval: polling ? 500 : false,
  });
}

export function useRefreshCur() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => (await spendRefreshCur({ throwOnError: true })).data,
    onSettled: () => {
      // A failed refresh is recorded as an event too.
      void queryClient.invalidateQueries({ queryKey: queryKeys.curEvents });
      void queryClient.invalidateQueries({ queryKey: queryKeys.refreshStatus });
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
