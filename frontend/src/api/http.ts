// Wires the generated client (src/client/) to the session: same-origin base URL, the bearer
// token on every secured call, every failure as an `ApiError`, and the one global 401 rule.
import { client } from '../client/client.gen';
import { ApiError, parseRetryAfter, toProblem } from '../lib/problem';
import { clearToken, getToken } from './session';

type ExpiredHandler = () => void;
let onExpired: ExpiredHandler = () => {};

/** Called once by the app: what else to do (clear cached data) when a token stops working. */
export function setExpiredHandler(handler: ExpiredHandler): void {
  onExpired = handler;
}

export function configureApiClient(): void {
  client.setConfig({
    baseUrl: '',
    auth: () => getToken() ?? undefined,
    throwOnError: true,
  });
  client.interceptors.error.use((body, response, request) => {
    if (!response) {
      return new ApiError(toProblem(0, null, request?.url ?? ''));
    }
    // A secured call answered 401: the token expired, was revoked or the user deactivated.
    // (The log-in call sends no token; its 401 is a wrong password and stays on the form.)
    if (response.status === 401 && request?.headers.has('Authorization')) {
      clearToken('Your session has ended. Please log in again.');
      onExpired();
    }
    return new ApiError(
      toProblem(response.status, body, new URL(response.url || request.url, location.href).pathname),
      parseRetryAfter(response.headers.get('Retry-After')),
    );
  });
}
