// The audit log.
// Server state through TanStack Query; every call goes through the generated SDK.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { auditListAuditEvents } from '../../client';
import { queryKeys, type AuditFilters } from '../../api/queryKeys';

export function useAuditEvents(filters: AuditFilters) {
  return useQuery({
    queryKey: queryKeys.audit.list(filters),
    queryFn: async ({ signal }) =>
      (await auditListAuditEvents({ query: filters, signal, throwOnError: true })).data,
    placeholderData: keepPreviousData,
  });
}

export async function fetchAllAuditEvents(filters: Omit<AuditFilters, 'limit' | 'offset'>) {
  const limit = 1000;
  const all = [];
  for (let offset = 0; ; offset += limit) {
    const page = (await auditListAuditEvents({ query: { ...filters, limit, offset }, throwOnError: true }))
      .data;
    all.push(...page.items);
    if (page.items.length === 0 || all.length >= page.total) return all;
  }
}
