// Reports: the variance report (JSON for the table, CSV from the server for the download) and
// the FP&A approved-spending file.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { reportsApprovedSpendingFile, reportsVarianceReport } from '../../client';
import { queryKeys, type VarianceQuery } from '../../api/queryKeys';
import { downloadCsv } from '../../lib/csv';

export function useVarianceReport(query: VarianceQuery, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.reports.variance(query),
    queryFn: async ({ signal }) => (await reportsVarianceReport({ query, signal, throwOnError: true })).data,
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** The server's CSV of the report (the same rows, written by the finance codec). */
export async function downloadVarianceCsv(query: VarianceQuery): Promise<void> {
  const { data } = await reportsVarianceReport({
    query: { ...query, format: 'csv' },
    parseAs: 'text',
    throwOnError: true,
  });
  downloadCsv(`variance-${query.period}-level${query.level ?? 4}.csv`, data as unknown as string);
}

export async function downloadApprovedSpending(period: string): Promise<void> {
  const { data } = await reportsApprovedSpendingFile({
    query: { period },
    parseAs: 'text',
    throwOnError: true,
  });
  downloadCsv(`approved-spending-${period}.csv`, data);
}
