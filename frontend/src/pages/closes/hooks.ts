// Month close: the periods, one period's close, the checklist, close and reopen, and the files.
// Server state through TanStack Query; every call goes through the generated SDK.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  closesClosePeriod,
  closesDownloadCloseFile,
  closesGetClose,
  closesListCloses,
  closesPutClose,
  closesReopenPeriod,
  type CloseRead,
  type CloseUpdate,
} from '../../client';
import { queryKeys } from '../../api/queryKeys';

export function useCloses() {
  return useQuery({
    queryKey: queryKeys.closes.list,
    queryFn: async ({ signal }) => (await closesListCloses({ signal, throwOnError: true })).data,
  });
}

export function useClose(period: string | undefined) {
  return useQuery({
    queryKey: queryKeys.closes.detail(period ?? ''),
    queryFn: async ({ signal }) =>
      (await closesGetClose({ path: { period: period ?? '' }, signal, throwOnError: true })).data,
    enabled: Boolean(period),
  });
}

function useCloseMutation<T>(call: (input: T) => Promise<CloseRead>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (close) => {
      queryClient.setQueryData(queryKeys.closes.detail(close.period), close);
      void queryClient.invalidateQueries({ queryKey: queryKeys.closes.all });
      // a close or reopen locks or unlocks the month for schedules, splits and claims
      void queryClient.invalidateQueries({ queryKey: queryKeys.schedules.all });
    },
  });
}

export function useSaveChecklist() {
  return useCloseMutation(
    async ({ period, body }: { period: string; body: CloseUpdate }) =>
      (await closesPutClose({ path: { period }, body, throwOnError: true })).data,
  );
}

export function useClosePeriod() {
  return useCloseMutation(
    async ({ period, version }: { period: string; version: number }) =>
      (await closesClosePeriod({ path: { period }, body: { version }, throwOnError: true })).data,
  );
}

export function useReopenPeriod() {
  return useCloseMutation(
    async ({ period, reason }: { period: string; reason: string }) =>
      (await closesReopenPeriod({ path: { period }, body: { reason }, throwOnError: true })).data,
  );
}

/** Save a stored close file as it is, byte for byte (a past close with `closeId`). */
export async function downloadCloseFile(period: string, name: string, closeId?: number): Promise<void> {
  const { data } = await closesDownloadCloseFile({
    path: { period, name },
    query: closeId ? { close_id: closeId } : undefined,
    parseAs: 'blob',
    throwOnError: true,
  });
  const url = URL.createObjectURL(data as Blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
