// The summary's tasks and notifications.
// Server state through TanStack Query; every call goes through the generated SDK.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { schedulesListNotifications, schedulesListTasks, schedulesMarkNotificationRead } from '../../client';
import { queryKeys } from '../../api/queryKeys';

export function useTasks() {
  return useQuery({
    queryKey: queryKeys.tasks,
    queryFn: async ({ signal }) => (await schedulesListTasks({ signal, throwOnError: true })).data,
  });
}

export function useNotifications(unread: boolean) {
  return useQuery({
    queryKey: queryKeys.notifications.list(unread),
    queryFn: async ({ signal }) =>
      (await schedulesListNotifications({ query: { unread }, signal, throwOnError: true })).data,
  });
}

export async function fetchNotifications(unread: boolean) {
  return (await schedulesListNotifications({ query: { unread }, throwOnError: true })).data;
}

export function useMarkNotificationRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) =>
      (await schedulesMarkNotificationRead({ path: { notification_id: id }, throwOnError: true })).data,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.notifications.all }),
  });
}
