import { describe, expect, it } from 'vitest';
import {
  ApiError,
  fieldErrors,
  formatProblem,
  otherErrors,
  parseRetryAfter,
  rowErrors,
  toProblem,
} from './problem';

const problem = (status: number, detail: string, errors?: object[]) =>
  toProblem(status, {
    type: 'https://finops.center/problems/x',
    title: 'T',
    status,
    detail,
    instance: '/api/v1/x',
    ...(errors ? { errors } : {}),
  });

describe('formatProblem', () => {
  it('shows the problem detail, capitalised', () => {
    expect(formatProblem(new ApiError(problem(401, 'incorrect e-mail or password')))).toBe(
      'Incorrect e-mail or password',
    );
  });

  it('adds when to try again after too many failed log-ins', () => {
    const error = new ApiError(problem(429, 'too many failed log-ins; try again later'), 840);
    expect(formatProblem(error)).toBe('Too many failed log-ins; try again in 14 minutes');
    expect(formatProblem(new ApiError(problem(429, 'slow down'), 1))).toBe(
      'Slow down (try again in 1 second)',
    );
  });

  it('quotes the correlation id of an unexpected error', () => {
    const body = { ...problem(500, 'an unexpected error occurred'), correlation_id: 'abc123' };
    expect(formatProblem(new ApiError(toProblem(500, body)))).toBe(
      'An unexpected error occurred (correlation id abc123)',
    );
  });

  it('explains a network failure and answers that are not problem+json', () => {
    expect(formatProblem(new ApiError(toProblem(0, null)))).toMatch(/cannot be reached/);
    expect(formatProblem(new ApiError(toProblem(502, '<html>Bad gateway</html>')))).toBe(
      '<html>Bad gateway</html>',
    );
    expect(formatProblem(new ApiError(toProblem(503, '')))).toBe('HTTP 503');
    expect(formatProblem(new Error('boom'))).toBe('Boom');
    expect(formatProblem('weird')).toBe('Something went wrong');
  });
});

describe('field errors', () => {
  const error = new ApiError(
    problem(422, 'the user cannot be created', [
      { field: 'email', message: "'x' is not a valid e-mail address" },
      { field: 'password', message: 'password must have at least 10 characters' },
      { field: 'email', message: 'second email problem' },
      { field: 'nickname', message: 'unknown field' },
      { message: 'general problem' },
    ]),
  );

  it('groups messages by field for rendering next to the inputs', () => {
    expect(fieldErrors(error)).toEqual({
      email: ["'x' is not a valid e-mail address", 'second email problem'],
      password: ['password must have at least 10 characters'],
      nickname: ['unknown field'],
    });
  });

  it('keeps the errors no input can show, so none is lost', () => {
    expect(otherErrors(error, ['email', 'name', 'role', 'password'])).toEqual([
      'nickname: unknown field',
      'general problem',
    ]);
  });

  it('is empty for errors that are not API problems', () => {
    expect(fieldErrors(new Error('x'))).toEqual({});
    expect(rowErrors(null)).toEqual([]);
  });
});

describe('rowErrors', () => {
  it('lists every row error in file order, whole-file errors first', () => {
    const error = new ApiError(
      problem(422, 'the file has rows that cannot be read', [
        { row: 5, column: 'email', message: "'not-an-email' is not a valid e-mail address" },
        { row: 3, column: 'email', message: 'duplicate' },
        { row: 4, column: 'role', message: "unknown role 'superuser'" },
        { row: 3, column: 'name', message: 'name is required' },
        { message: 'byte 7 is not valid UTF-8' },
      ]),
    );
    expect(rowErrors(error)).toEqual([
      { row: null, column: null, message: 'byte 7 is not valid UTF-8' },
      { row: 3, column: 'email', message: 'duplicate' },
      { row: 3, column: 'name', message: 'name is required' },
      { row: 4, column: 'role', message: "unknown role 'superuser'" },
      { row: 5, column: 'email', message: "'not-an-email' is not a valid e-mail address" },
    ]);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120')).toBe(120);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });
});
