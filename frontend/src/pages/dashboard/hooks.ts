// The dashboard's visuals: one query per endpoint, the previous answer kept on screen while a
// new view loads (the toggle and the drill-down do not blank the page).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { dashboardAccountServices, dashboardHeatmap, dashboardMonthly } from '../../client';
import { queryKeys, type HeatmapQuery } from '../../api/queryKeys';

export function useHeatmap(query: HeatmapQuery, enabled = true) {
  return useQuery({
    queryKey: queryKeys.dashboard.heatmap(query),
    queryFn: async ({ signal }) => (await dashboardHeatmap({ query, signal, throwOnError: true })).data,
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useMonthlySpend(year: number, node: number | null) {
  return useQuery({
    queryKey: queryKeys.dashboard.monthly(year, node),
    queryFn: async ({ signal }) =>
      (
        await dashboardMonthly({
          query: { year, ...(node === null ? {} : { node_id: node }) },
          signal,
          throwOnError: true,
        })
      ).data,
    placeholderData: keepPreviousData,
  });
}

export function useAccountServices(account: string, year: number) {
  return useQuery({
    queryKey: queryKeys.dashboard.services(account, year),
    queryFn: async ({ signal }) =>
      (
        await dashboardAccountServices({
          path: { account_id: account },
          query: { year },
          signal,
          throwOnError: true,
        })
      ).data,
    placeholderData: keepPreviousData,
  });
}
