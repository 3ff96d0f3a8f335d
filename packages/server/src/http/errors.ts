import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import { log, type Logger } from '../logger.ts';
import { routePattern } from './observe.ts';
import type { RequestLog } from './env.ts';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable, unavailableReason } from '../db/unavailable.ts';

/** The one error shape every JusticeConnect endpoint answers with. */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional(),
      requestId: z.string().optional().openapi({ description: 'The request id (also in the X-Request-Id header): the server log line for this answer carries it' }),
    }),
  })
  .openapi('Error');

/**
 * A zod error message that still says "Required" when the field is missing,
 * so a custom message ("Enter an email address") does not hide an absent field.
 */
export const message = (text: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'Required' : text),
});

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 501 | 502 | 503;

export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, fields?: Record<string, string>, requestId?: string) {
  const error: { code: string; message: string; fields?: Record<string, string>; requestId?: string } = { code, message };
  if (fields) error.fields = fields;
  if (requestId) error.requestId = requestId;
  return { error };
}

/** The request id an answer names (set by the first middleware, http/observe.ts). */
export const requestIdOf = (c: Context): string | undefined => c.get('requestId' as never);

export function errorResponse(c: Context, status: ErrorStatus, code: string, message: string, fields?: Record<string, string>) {
  return c.json(errorBody(code, message, fields, requestIdOf(c)), status as ContentfulStatusCode);
}

/**
 * Turns zod issues into `{ "path.to.field": "what is wrong" }`. Unknown keys
 * are named one by one, so a client sees exactly which field it must drop.
 */
export function fieldsFromZod(error: ZodError, prefix = ''): Record<string, string> {
  const fields: Record<string, string> = {};
  const name = (path: PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.') || '(root)';
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[name([...issue.path, key])] ??= 'Unknown field';
      continue;
    }
    const key = name(issue.path);
    if (fields[key]) continue;
    fields[key] = issue.code === 'invalid_type' && /received undefined$/.test(issue.message) ? 'Required' : issue.message;
  }
  return fields;
}

export function validationError(error: ZodError, target: string): ApiError {
  const fields = fieldsFromZod(error);
  const names = Object.keys(fields);
  return new ApiError(
    400,
    'VALIDATION_FAILED',
    `Invalid ${target}: ${names.map((n) => `${n} (${fields[n]})`).join(', ')}`,
    fields,
  );
}

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
};

/** The answer to a request the database could not serve (it is restarting, or unreachable): 503, try again shortly. */
export function databaseUnavailable(c: Context) {
  c.header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
  return errorResponse(c, 503, 'DATABASE_UNAVAILABLE', `The database is not answering right now. Try again in ${DATABASE_RETRY_AFTER_SECONDS} seconds.`);
}

/**
 * `app.onError`: known errors keep their status; a lost database connection
 * (db/unavailable.ts) is a 503 with Retry-After; anything else is a 500 that
 * never shows its stack.
 */
export function handleError(err: Error, c: Context) {
  if (err instanceof ApiError) return errorResponse(c, err.status, err.code, err.message, err.fields);
  if (err instanceof HTTPException) {
    const status = err.status as ErrorStatus;
    const code = /malformed json/i.test(err.message) ? 'INVALID_JSON' : (STATUS_CODES[status] ?? 'ERROR');
    return errorResponse(c, status, code, err.message || code);
  }
  const requestLog: Pick<Logger, 'warn' | 'error'> | RequestLog = (c.get('log' as never) as RequestLog | undefined) ?? log;
  if (isDatabaseUnavailable(err)) {
    requestLog.warn({ reason: unavailableReason(err), method: c.req.method, route: routePattern(c, 503) }, 'database unavailable');
    return databaseUnavailable(c);
  }
  // (Method and route pattern only: the access line has the rest, under the same request id.)
  requestLog.error({ err, method: c.req.method, route: routePattern(c, 500) }, 'unhandled error');
  return errorResponse(c, 500, 'INTERNAL', 'Something went wrong on the server.');
}
