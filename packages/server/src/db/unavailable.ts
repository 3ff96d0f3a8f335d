/*
 * "The database is not there right now", in one place. While PostgreSQL
 * restarts (or fails over, or the network to it drops) every query fails with
 * one of a handful of errors: the socket refused or reset, the server shutting
 * down or still starting, a connection exception, the client's connection
 * ending under it, or the pool giving up waiting for a connection. A request
 * that meets one is answered 503 with Retry-After (http/errors.ts), not 500:
 * nothing is wrong with the request, and the same request a few seconds later
 * succeeds. The transaction it ran in never committed (the connection died
 * before COMMIT answered), so the client may send it again; writes with a
 * clientId are idempotent anyway.
 */

import { errField, type Logger } from '../logger.ts';

/** How long a client is told to wait before retrying (Retry-After, seconds): about a restart's length. */
export const DATABASE_RETRY_AFTER_SECONDS = 3;

/** How long a request waits for a pooled connection before it is answered 503 (the pool's connectionTimeoutMillis). */
export const CONNECT_TIMEOUT_MS = 5000;

/** Socket errors of a connection to the database server (Node's error codes). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * PostgreSQL's SQLSTATEs for a server going away or not yet there:
 * 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now
 * (starting up, shutting down, in recovery), 53300 too_many_connections;
 * and class 08, connection exceptions.
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** What node-postgres (pg, pg-pool) says when a connection ends or cannot be had in time. */
const MESSAGES = [
  /^Connection terminated/, // "… unexpectedly", "… due to connection timeout"
  /timeout exceeded when trying to connect/, // pg-pool's connectionTimeoutMillis
  /Client has encountered a connection error and is not queryable/,
  /Client was closed and is not queryable/,
  /^connect ECONNREFUSED/,
];

function unavailableHere(err: object): boolean {
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  return typeof message === 'string' && MESSAGES.some((m) => m.test(message));
}

/**
 * Whether `err` says the database cannot be reached right now (a fault of
 * the connection, not of the query). Looks through `cause` and an
 * AggregateError's `errors` (a connect to a host name tries each address).
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  if (unavailableHere(err)) return true;
  const { cause, errors } = err as { cause?: unknown; errors?: unknown };
  if (isDatabaseUnavailable(cause, depth + 1)) return true;
  return Array.isArray(errors) && errors.some((e) => isDatabaseUnavailable(e, depth + 1));
}

/** The shortest description of such an error for a log line: its code, else its message (never a query or its values). */
export function unavailableReason(err: unknown): string {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? code : typeof message === 'string' ? message.slice(0, 120) : 'unknown';
}

/**
 * Logs a background job's failure (the hub's read, the sequencer's sweep, a scheduled job): while the
 * database is away, a warning with its reason, `away` (the job runs again by itself); otherwise an
 * error with the stack, `failed`.
 */
export function logJobFailure(logger: Logger, err: unknown, away: string, failed: string): void {
  if (isDatabaseUnavailable(err)) logger.warn({ reason: unavailableReason(err) }, away);
  else logger.error({ err: errField(err) }, failed);
}
