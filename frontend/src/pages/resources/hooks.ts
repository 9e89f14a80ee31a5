// Resources and their claims to workloads.
// Server state through TanStack Query; every call goes through the generated SDK.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  allocationClaimResources,
  allocationListClaims,
  allocationReleaseResources,
  spendListResources,
} from '../../client';
import { queryKeys, type ClaimFilters, type ResourceFilters } from '../../api/queryKeys';

/** One page of resources (server-side: sorted by the last full month's cost by default,
 * `offset`/`limit`, with the total). */
export function useResources(filters: ResourceFilters, enabled = true) {
  return useQuery({
    queryKey: queryKeys.resources.list(filters),
    queryFn: async ({ signal }) =>
      (await spendListResources({ query: filters, signal, throwOnError: true })).data,
    placeholderData: keepPreviousData,
    enabled,
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
  void queryClient.invalidateQueries({ queryKey: queryKeys.resources.all });
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
