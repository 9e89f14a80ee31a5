// Service accounts, their API tokens, and outbound webhook subscriptions (Admins).
// Server state through TanStack Query; every call goes through the generated SDK.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  serviceAccountsCreateServiceAccount,
  serviceAccountsCreateToken,
  serviceAccountsDeactivateServiceAccount,
  serviceAccountsListServiceAccounts,
  serviceAccountsListTokens,
  serviceAccountsRevokeToken,
  webhooksCreateWebhookSubscription,
  webhooksListWebhookDeliveries,
  webhooksListWebhookEvents,
  webhooksListWebhookSubscriptions,
  webhooksRedeliverWebhook,
  webhooksUpdateWebhookSubscription,
  type ApiTokenCreate,
  type ServiceAccountCreate,
  type WebhookSubscriptionCreate,
} from '../../client';
import { queryKeys } from '../../api/queryKeys';

export function useServiceAccounts() {
  return useQuery({
    queryKey: queryKeys.integrations.serviceAccounts,
    queryFn: async ({ signal }) =>
      (await serviceAccountsListServiceAccounts({ query: { limit: 1000 }, signal, throwOnError: true })).data,
  });
}

export function useTokens(accountId: number) {
  return useQuery({
    queryKey: queryKeys.integrations.tokens(accountId),
    queryFn: async ({ signal }) =>
      (await serviceAccountsListTokens({ path: { account_id: accountId }, signal, throwOnError: true })).data,
  });
}

// Every change is audited: the audit lists are stale too.
function invalidate(queryClient: ReturnType<typeof useQueryClient>) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.integrations.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all });
}

export function useCreateServiceAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: ServiceAccountCreate) =>
      (await serviceAccountsCreateServiceAccount({ body, throwOnError: true })).data,
    onSuccess: () => invalidate(queryClient),
  });
}

export function useDeactivateServiceAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (accountId: number) =>
      (await serviceAccountsDeactivateServiceAccount({ path: { account_id: accountId }, throwOnError: true }))
        .data,
    onSuccess: () => invalidate(queryClient),
  });
}

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ accountId, body }: { accountId: number; body: ApiTokenCreate }) =>
      (await serviceAccountsCreateToken({ path: { account_id: accountId }, body, throwOnError: true })).data,
    onSuccess: () => invalidate(queryClient),
  });
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ accountId, tokenId }: { accountId: number; tokenId: number }) => {
      await serviceAccountsRevokeToken({
        path: { account_id: accountId, token_id: tokenId },
        throwOnError: true,
      });
    },
    onSuccess: () => invalidate(queryClient),
  });
}

export function useWebhookEvents() {
  return useQuery({
    queryKey: queryKeys.integrations.events,
    queryFn: async ({ signal }) => (await webhooksListWebhookEvents({ signal, throwOnError: true })).data,
    staleTime: Infinity,
  });
}

export function useWebhookSubscriptions() {
  return useQuery({
    queryKey: queryKeys.integrations.subscriptions,
    queryFn: async ({ signal }) =>
      (await webhooksListWebhookSubscriptions({ signal, throwOnError: true })).data,
  });
}

export function useWebhookDeliveries(subscriptionId: number) {
  return useQuery({
    queryKey: queryKeys.integrations.deliveries(subscriptionId),
    queryFn: async ({ signal }) =>
      (
        await webhooksListWebhookDeliveries({
          path: { subscription_id: subscriptionId },
          query: { limit: 50 },
          signal,
          throwOnError: true,
        })
      ).data,
  });
}

export function useCreateWebhookSubscription() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: WebhookSubscriptionCreate) =>
      (await webhooksCreateWebhookSubscription({ body, throwOnError: true })).data,
    onSuccess: () => invalidate(queryClient),
  });
}

export function useSetWebhookActive() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, active }: { id: number; active: boolean }) =>
      (
        await webhooksUpdateWebhookSubscription({
          path: { subscription_id: id },
          body: { is_active: active },
          throwOnError: true,
        })
      ).data,
    onSuccess: () => invalidate(queryClient),
  });
}

export function useRedeliver() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ subscriptionId, deliveryId }: { subscriptionId: number; deliveryId: number }) =>
      (
        await webhooksRedeliverWebhook({
          path: { subscription_id: subscriptionId, delivery_id: deliveryId },
          throwOnError: true,
        })
      ).data,
    onSuccess: () => invalidate(queryClient),
  });
}
