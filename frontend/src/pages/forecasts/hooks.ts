// Forecasts and anomalies (docs/forecasts.md): the summary's overrun and anomaly lists and a
// budget's cumulative spend chart read these. Every call goes through the generated SDK.
import { useQuery } from '@tanstack/react-query';
import { anomaliesListAnomalies, forecastsBudgetCumulative, forecastsListForecasts } from '../../client';
import { queryKeys, type AnomalyFilters } from '../../api/queryKeys';

export function useForecasts(year?: number) {
  return useQuery({
    queryKey: queryKeys.forecasts.list(year ?? null),
    queryFn: async ({ signal }) =>
      (await forecastsListForecasts({ query: year ? { year } : {}, signal, throwOnError: true })).data,
  });
}

export function useCumulative(budgetId: number, year: number) {
  return useQuery({
    queryKey: queryKeys.forecasts.cumulative(budgetId, year),
    queryFn: async ({ signal }) =>
      (
        await forecastsBudgetCumulative({
          path: { budget_id: budgetId },
          query: { year },
          signal,
          throwOnError: true,
        })
      ).data,
  });
}

export function useAnomalies(filters: AnomalyFilters) {
  return useQuery({
    queryKey: queryKeys.forecasts.anomalies(filters),
    queryFn: async ({ signal }) =>
      (await anomaliesListAnomalies({ query: filters, signal, throwOnError: true })).data,
  });
}
