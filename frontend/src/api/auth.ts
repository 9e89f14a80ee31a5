// The session's own server state: who is signed in, and signing in.
// Server state through TanStack Query; every call goes through the generated SDK.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { authLogin, authReadMe } from '../client';
import { queryKeys } from './queryKeys';
import { getToken, setToken } from './session';

export function useMe() {
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: async ({ signal }) => (await authReadMe({ signal, throwOnError: true })).data,
    enabled: getToken() !== null,
    staleTime: 5 * 60_000,
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (form: { username: string; password: string }) =>
      (await authLogin({ body: form, throwOnError: true })).data,
    onSuccess: (token) => {
      queryClient.clear();
      setToken(token.access_token);
    },
  });
}
