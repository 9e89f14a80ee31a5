// Spend cards: the scoped list, one card with its why, and the decisions on it.
// Server state through TanStack Query; every call goes through the generated SDK.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  spendCardsActOnSpendCard,
  spendCardsGetSpendCard,
  spendCardsListSpendCards,
  type CardAction,
} from '../../client';
import { queryKeys, type SpendCardFilters } from '../../api/queryKeys';

export function useSpendCards(filters: SpendCardFilters) {
  return useQuery({
    queryKey: queryKeys.spendCards.list(filters),
    queryFn: async ({ signal }) =>
      (await spendCardsListSpendCards({ query: filters, signal, throwOnError: true })).data,
    placeholderData: keepPreviousData,
  });
}

export function useSpendCard(id: number) {
  return useQuery({
    queryKey: queryKeys.spendCards.detail(id),
    queryFn: async ({ signal }) =>
      (await spendCardsGetSpendCard({ path: { card_id: id }, signal, throwOnError: true })).data,
  });
}

export interface CardDecision {
  id: number;
  action: CardAction;
  /** the version the caller read: a card changed meanwhile answers 409 */
  version: number;
  comment?: string;
}

export function useCardAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, action, version, comment }: CardDecision) =>
      (
        await spendCardsActOnSpendCard({
          path: { card_id: id, action },
          body: { version, comment: comment ?? null },
          throwOnError: true,
        })
      ).data,
    onSuccess: (card) => {
      queryClient.setQueryData(queryKeys.spendCards.detail(card.id), card);
      void queryClient.invalidateQueries({ queryKey: queryKeys.spendCards.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.tasks });
    },
  });
}
