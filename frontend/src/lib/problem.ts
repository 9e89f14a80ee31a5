// Turning `application/problem+json` answers (RFC 9457) into words a person can act on.
import type { ErrorItem, Problem } from '../client';

/** Every failed API call becomes one of these (see api/http.ts). */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  readonly retryAfterSeconds: number | null;

  constructor(problem: Problem, retryAfterSeconds: number | null = null) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

const FALLBACK_DETAIL: Record<number, string> = {
  0: 'the server cannot be reached; check your connection and try again',
  401: 'you are not logged in',
  403: 'your role may not do this',
  404: 'not found',
  413: 'the file is too large',
  429: 'too many requests; try again later',
  500: 'an unexpected error occurred',
};

function isProblemLike(body: unknown): body is Partial<Problem> {
  return typeof body === 'object' && body !== null && ('detail' in body || 'title' in body);
}

/** Build a Problem from whatever an error response carried (problem+json, text, nothing). */
export function toProblem(status: number, body: unknown, instance = ''): Problem {
  const title = status === 0 ? 'Network error' : `HTTP ${status}`;
  if (isProblemLike(body)) {
    return {
      type: body.type ?? 'about:blank',
      title: body.title ?? title,
      status: body.status ?? status,
      detail: body.detail ?? body.title ?? FALLBACK_DETAIL[status] ?? title,
      instance: body.instance ?? instance,
      errors: Array.isArray(body.errors) ? body.errors : null,
      correlation_id: body.correlation_id ?? null,
    };
  }
  const text = typeof body === 'string' ? body.trim() : '';
  return {
    type: 'about:blank',
    title,
    status,
    detail: text && text.length <= 300 ? text : (FALLBACK_DETAIL[status] ?? title),
    instance,
    errors: null,
  };
}

/** Read `Retry-After` (seconds or an HTTP date) as seconds from now. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const when = Date.parse(value);
  return Number.isNaN(when) ? null : Math.max(0, Math.round((when - now) / 1000));
}

function humanDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

function capitalise(text: string): string {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

/** One sentence for a banner: the problem's detail, plus when to retry or what to quote. */
export function formatProblem(error: unknown): string {
  if (error instanceof ApiError) {
    let message = capitalise(error.problem.detail);
    if (error.status === 429 && error.retryAfterSeconds !== null) {
      const when = `try again in ${humanDuration(error.retryAfterSeconds)}`;
      message = /try again later\.?$/i.test(message)
        ? message.replace(/try again later(\.?)$/i, `${when}$1`)
        : `${message} (${when})`;
    }
    if (error.problem.correlation_id) {
      message += ` (correlation id ${error.problem.correlation_id})`;
    }
    return message;
  }
  if (error instanceof Error && error.message) return capitalise(error.message);
  return 'Something went wrong';
}

/** Field errors (`errors[].field`) by field name, for rendering next to form inputs. */
export function fieldErrors(error: unknown): Record<string, string[]> {
  const byField: Record<string, string[]> = {};
  if (!(error instanceof ApiError)) return byField;
  for (const item of error.problem.errors ?? []) {
    if (!item.field) continue;
    (byField[item.field] ??= []).push(item.message);
  }
  return byField;
}

/** Errors that belong to no known form field (shown in the form's summary instead). */
export function otherErrors(error: unknown, knownFields: readonly string[]): string[] {
  if (!(error instanceof ApiError)) return [];
  return (error.problem.errors ?? [])
    .filter((item) => item.row == null && (!item.field || !knownFields.includes(item.field)))
    .map((item) => (item.field ? `${item.field}: ${item.message}` : item.message));
}

export interface RowError {
  row: number | null;
  column: string | null;
  message: string;
}

/** Row errors of a rejected file, in file order; errors about the whole file come first. */
export function rowErrors(error: unknown): RowError[] {
  if (!(error instanceof ApiError)) return [];
  const items: ErrorItem[] = error.problem.errors ?? [];
  return items
    .map((item) => ({
      row: item.row ?? null,
      column: item.column ?? item.field ?? null,
      message: item.message,
    }))
    .sort((a, b) => (a.row ?? 0) - (b.row ?? 0) || (a.column ?? '').localeCompare(b.column ?? ''));
}
