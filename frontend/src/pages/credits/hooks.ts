// Credits: the scoped list, one credit with its ledger, the month's preview, the expiry
// forecast, and the finance actions. Every call goes through the generated SDK.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  creditsApplyCredits,
  creditsCreateCredit,
  creditsCreditForecast,
  creditsGetCredit,
  creditsListCredits,
  creditsPreviewCredits,
  creditsVoidCredit,
  type CreditCreate,
} from '../../client';
import { queryKeys, type CreditFilters } from '../../api/queryKeys';

export function useCredits(filters: CreditFilters) {
  return useQuery({
    queryKey: queryKeys.credits.list(filters),
    queryFn: async ({ signal }) =>
      (await creditsListCredits({ query: filters, signal, throwOnError: true })).data,
    placeholderData: keepPreviousData,
  });
}

export function useCredit(id: number | null) {
  return useQuery({
    queryKey: queryKeys.credits.detail(id ?? 0),
    queryFn: async ({ signal }) =>
      (await creditsGetCredit({ path: { credit_id: id ?? 0 }, signal, throwOnError: true })).data,
    enabled: id !== null,
  });
}

export function useCreditPreview(period: string) {
  return useQuery({
    queryKey: queryKeys.credits.preview(period),
    queryFn: async ({ signal }) =>
      (await creditsPreviewCredits({ query: { period }, signal, throwOnError: true })).data,
    enabled: period !== '',
    placeholderData: keepPreviousData,
  });
}

export function useCreditForecast() {
  return useQuery({
    queryKey: queryKeys.credits.forecast,
    queryFn: async ({ signal }) => (await creditsCreditForecast({ signal, throwOnError: true })).data,
  });
}

export function useCreateCredit() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreditCreate) => (await creditsCreateCredit({ body, throwOnError: true })).data,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.credits.all }),
  });
}

export function useVoidCredit() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, version, reason }: { id: number; version: number; reason: string }) =>
      (await creditsVoidCredit({ path: { credit_id: id }, body: { version, reason }, throwOnError: true }))
        .data,
    onSuccess: (credit) => {
      queryClient.setQueryData(queryKeys.credits.detail(credit.id), credit);
      void queryClient.invalidateQueries({ queryKey: queryKeys.credits.all });
    },
  });
}

export function useApplyCredits() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (period: string) =>
      (await creditsApplyCredits({ body: { period }, throwOnError: true })).data,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.credits.all }),
  });
}
