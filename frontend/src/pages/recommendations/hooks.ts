// Recommendations: the scoped list with its totals, the top open savings, one recommendation
// with its history, decisions (one or many) and imports. Every call goes through the SDK.
import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import {
  recommendationsActOnRecommendation,
  recommendationsDecideRecommendations,
  recommendationsGetRecommendation,
  recommendationsImportRecommendations,
  recommendationsListRecommendationImports,
  recommendationsListRecommendations,
  recommendationsTopRecommendations,
  type RecommendationAction,
} from '../../client';
import { queryKeys, type RecommendationFilters } from '../../api/queryKeys';

function invalidate(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.recommendations.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.tasks });
}

export function useRecommendations(filters: RecommendationFilters) {
  return useQuery({
    queryKey: queryKeys.recommendations.list(filters),
    queryFn: async ({ signal }) =>
      (await recommendationsListRecommendations({ query: filters, signal, throwOnError: true })).data,
    placeholderData: keepPreviousData,
  });
}

export function useTopRecommendations(limit = 5) {
  return useQuery({
    queryKey: queryKeys.recommendations.top(limit),
    queryFn: async ({ signal }) =>
      (await recommendationsTopRecommendations({ query: { limit }, signal, throwOnError: true })).data,
  });
}

export function useRecommendation(id: number) {
  return useQuery({
    queryKey: queryKeys.recommendations.detail(id),
    queryFn: async ({ signal }) =>
      (
        await recommendationsGetRecommendation({
          path: { recommendation_id: id },
          signal,
          throwOnError: true,
        })
      ).data,
  });
}

export interface Decision {
  id: number;
  action: RecommendationAction;
  /** the version the caller read: a recommendation changed meanwhile answers 409 */
  version: number;
  comment?: string;
}

export function useRecommendationAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, action, version, comment }: Decision) =>
      (
        await recommendationsActOnRecommendation({
          path: { recommendation_id: id, action },
          body: { version, comment: comment ?? null },
          throwOnError: true,
        })
      ).data,
    onSuccess: (rec) => {
      queryClient.setQueryData(queryKeys.recommendations.detail(rec.id), rec);
      invalidate(queryClient);
    },
  });
}

export interface BulkDecision {
  action: RecommendationAction;
  items: { id: number; version: number }[];
  comment?: string;
}

/** One action on many, all or nothing. */
export function useBulkDecision() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ action, items, comment }: BulkDecision) =>
      (
        await recommendationsDecideRecommendations({
          body: { action, items, comment: comment ?? null },
          throwOnError: true,
        })
      ).data,
    onSettled: () => invalidate(queryClient),
  });
}

export function useRecommendationImports(enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.recommendations.imports,
    queryFn: async ({ signal }) =>
      (await recommendationsListRecommendationImports({ signal, throwOnError: true })).data,
    enabled,
  });
}

export function useImportRecommendations() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (file: File) =>
      (await recommendationsImportRecommendations({ body: { file }, throwOnError: true })).data,
    onSuccess: () => invalidate(queryClient),
  });
}
