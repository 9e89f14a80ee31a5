// Accounts and their allocation (splits).
// Server state through TanStack Query; every call goes through the generated SDK.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  accountsCreateAccount,
  accountsDiscoverAccounts,
  accountsGetAccount,
  accountsListAccounts,
  accountsUpdateAccount,
  allocationAllocationSummary,
  allocationCarryForward,
  allocationGetAccountAllocation,
  allocationSetAccountAllocation,
  type AccountCreate,
  type AccountUpdate,
  type CarryForwardWrite,
  type SplitWrite,
} from '../../client';
import { queryKeys, type AccountFilters } from '../../api/queryKeys';

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
