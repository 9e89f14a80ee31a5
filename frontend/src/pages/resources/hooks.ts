// Resources and their claims to workloads.
// Server state through TanStack Query; every call goes through the generated SDK.
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import {
  allocationClaimResources,
  allocationListClaims,
  allocationReleaseResources,
  spendListResources,
} from '../../client';
import { queryKeys, type ClaimFilters, type ResourceFilters } from '../../api/queryKeys';

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
