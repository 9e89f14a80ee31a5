// Negotiated discounts: the list, a new one, ending one. Each change reallocates the spend, so
// it invalidates the spend queries too.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { discountsCreateDiscount, discountsEndDiscount, discountsListDiscounts } from '../../client';
import { queryKeys } from '../../api/queryKeys';

export function useDiscounts() {
  return useQuery({
    queryKey: queryKeys.discounts,
    queryFn: async ({ signal }) => (await discountsListDiscounts({ signal, throwOnError: true })).data,
  });
}

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.discounts });
    void queryClient.invalidateQueries({ queryKey: queryKeys.spend.all });
  };
}

export function useCreateDiscount() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (body: { percent: string; start: string; end: string | null }) =>
      (await discountsCreateDiscount({ body, throwOnError: true })).data,
    onSuccess: invalidate,
  });
}

export function useEndDiscount() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async ({ id, end, version }: { id: number; end: string; version: number }) =>
      (await discountsEndDiscount({ path: { discount_id: id }, body: { end, version }, throwOnError: true }))
        .data,
    onSuccess: invalidate,
  });
}
