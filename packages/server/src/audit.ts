import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import { AUDIT_LOCK_KEY, inWriteScope, noteOrderedWrite, settleWrites } from './audit-outbox.ts';
import { now } from './db/database.ts';
import { dialectOf } from './db/dialect.ts';
import type { AuditLogTable, Database } from './db/schema.ts';
import type { AppEnv } from './http/env.ts';
import { auditKeysOf, GENESIS, KEYED_PREFIX, legacyRowHash, verifyChain, type Checkpoint, type Verification } from './audit-chain.ts';
import { errField } from './logger.ts';

/**
 * The audit log: one row per security-relevant event (who, what, to what,
 * outcome, when in UTC, from where), append-only — the database refuses
 * updates and deletes — and hash-chained under a key kept outside the
 * database: each row's hash is an HMAC of its fields and the previous row's
 * hash, so changing, removing or reordering a row breaks the chain, and
 * signed checkpoints kept elsewhere catch a cut-off tail; `npm run
 * audit:verify` finds both (see audit-chain.ts). Nothing secret is ever
 * written: no password, token, code or request body.
 */

export type Outcome = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  target?: string | null;
  outcome: Outcome;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, string | number | boolean | null>;
}

type Hashed = Pick<AuditLogTable, 'at' | 'actor_id' | 'actor_agency_id' | 'action' | 'target' | 'outcome' | 'ip' | 'user_agent' | 'details' | 'prev_hash'>;

/** The hash of a row from before the keyed chain (plain SHA-256): what an old log carries. */
export const rowHash = legacyRowHash;

function keysOf(trx: Kysely<Database>) {
  const keys = auditKeysOf(trx);
  if (!keys) throw new Error('[audit] this database handle has no audit key: open it with openDatabase(config.database, config.audit.key)');
  return keys;
}

/**
 * Appends one entry in the caller's transaction (so it exists exactly when
 * the change it records does), taking no lock. On PostgreSQL it goes to the
 * outbox, and a chain round links it into the log right after the commit
 * (audit-outbox.ts); on SQLite, whose write transaction already has the
 * database to itself, it is chained at once.
 */
export async function appendAudit(trx: Kysely<Database>, entry: AuditEntry): Promise<void> {
  const keys = keysOf(trx);
  const agency = entry.actorId ? await trx.selectFrom('profile').select('agency_id').where('user_id', '=', entry.actorId).executeTakeFirst() : undefined;
  const row = {
    at: now(trx),
    actor_id: entry.actorId,
    actor_agency_id: agency?.agency_id ?? null,
    action: printable(entry.action),
    target: entry.target == null ? null : printable(entry.target),
    outcome: entry.outcome,
    ip: entry.ip == null ? null : printable(entry.ip),
    user_agent: entry.userAgent == null ? null : printable(entry.userAgent.slice(0, 300)),
    details: JSON.stringify(entry.details ?? {}),
  };
  if (dialectOf(trx).ordersAfterCommit) {
    await trx.insertInto('audit_outbox').values(row).execute();
    noteOrderedWrite();
    return;
  }
  await appendChained(trx, keys, row);
}

/** Links one entry to the log's head and inserts it: the caller holds the log to itself (SQLite's write transaction, or the audit lock). */
async function appendChained(trx: Kysely<Database>, keys: ReturnType<typeof keysOf>, entry: Omit<Hashed, 'prev_hash'>): Promise<void> {
  const last = await trx.selectFrom('audit_log').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const row: Hashed = { ...entry, prev_hash: last?.hash ?? GENESIS };
  await trx
    .insertInto('audit_log')
    .values({ ...row, hash: keys.rowHash(row) })
    .execute();
}

/**
 * Marks where the keyed chain begins in a log written before the key
 * (plain SHA-256 rows): one keyed `audit.chain-keyed` row after them, so the
 * old rows verify as they are and everything from here on is keyed. Returns
 * whether it marked (nothing to do on an empty or already keyed log).
 */
export async function markKeyedChain(db: Kysely<Database>): Promise<boolean> {
  const keys = keysOf(db);
  return db.transaction().execute(async (trx) => {
    await dialectOf(trx).lockForTransaction(trx, AUDIT_LOCK_KEY);
    const head = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (!head || head.hash.startsWith(KEYED_PREFIX)) return false;
    // Chained here, under the audit lock: the mark must come right after the old rows.
    const at = now(trx);
    const details = JSON.stringify({ legacyRowsUpTo: Number(head.seq) });
    await appendChained(trx, keys, { at, actor_id: null, actor_agency_id: null, action: 'audit.chain-keyed', target: null, outcome: 'success', ip: null, user_agent: null, details });
    return true;
  });
}

/**
 * Text as it may be stored and read back: control characters (a NUL byte in a
 * hostile path, which PostgreSQL's text refuses, or a newline forging a log
 * line) are written as visible escapes, so such a request is still recorded.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Appends one entry in its own transaction (outside a request, it is also chained before this returns). */
export async function audit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db.transaction().execute((trx) => appendAudit(trx, entry));
  if (dialectOf(db).ordersAfterCommit && !noteOrderedWrite()) await settleWrites(db);
}

/**
 * Walks the chain in order (with the handle's audit key) and holds it to the
 * given checkpoints; the first row whose hash or link does not hold, or null
 * when the whole log is intact.
 */
export async function verifyAudit(db: Kysely<Database>, checkpoints: Checkpoint[] = []): Promise<Verification> {
  return verifyChain(db, auditKeysOf(db), checkpoints);
}

/** Where a request came from: the socket's address (or, behind a trusted proxy, X-Forwarded-For's first), and its user agent. */
export function origin(c: Context<AppEnv>): { ip: string | null; userAgent: string | null } {
  let ip: string | null = null;
  const forwarded = c.get('services').config.trustProxy ? c.req.header('x-forwarded-for')?.split(',')[0]?.trim() : undefined;
  if (forwarded) return { ip: forwarded.slice(0, 100), userAgent: c.req.header('user-agent') ?? null };
  try {
    ip = getConnInfo(c).remote.address ?? null;
  } catch {
    ip = null;
  }
  return { ip, userAgent: c.req.header('user-agent') ?? null };
}

/** A request's action that succeeded: appended in the request's transaction (appendAudit), with where it came from (origin). */
export function auditSuccess(c: Context<AppEnv>, trx: Kysely<Database>, entry: Omit<AuditEntry, 'outcome' | 'ip' | 'userAgent'>): Promise<void> {
  return appendAudit(trx, { ...entry, outcome: 'success', ...origin(c) });
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a request changes state (and so is recorded whatever its outcome). */
const isWrite = (c: Context<AppEnv>) => !READS.has(c.req.method);

/** A write this middleware's row covers (the auth routes record their own events, with more detail). */
export const recordedWrite = (c: Context<AppEnv>) => isWrite(c) && !c.req.path.startsWith('/api/auth/');

/** An API route naming one object (`/api/v1/<collection>/<id or slug>…`): a 404 there, to a signed-in user, is probing. */
const OBJECT_ROUTE = /^\/api\/v1\/[^/]+\/[^/]+/;

/** The request's own audit entry: method and path (never the query string or body), the signed-in actor, the outcome. */
export function requestEntry(c: Context<AppEnv>, outcome: Outcome, details: AuditEntry['details']): AuditEntry {
  const user = c.get('user');
  return {
    actorId: user?.id ?? null,
    action: `${c.req.method} ${c.req.path}`.slice(0, 300),
    target: c.req.path.slice(0, 300),
    outcome,
    ...origin(c),
    details,
  };
}

/**
 * Records every state-changing API request (administrator actions, role,
 * membership and permission changes, content deletion and moderation, …) and
 * every denied request, read or write: refusals (401, 403: CSRF and Origin
 * checks included, since this runs outside them) and a signed-in user's 404
 * on an object route (probing for ids or slugs). A write that succeeds
 * through `inTransaction` has its row written in its own transaction (it
 * lands exactly when the change does) and is not written again here.
 * Authentication events are recorded by the auth routes themselves, with
 * more detail.
 */
export const auditRequests: MiddlewareHandler<AppEnv> = async (c, next) => {
  // On SQLite every entry is chained as it is written: nothing is owed at the end, and no request
  // scope is opened (an AsyncLocalStorage scope makes every promise of the process pay for async
  // hooks from then on). On PostgreSQL a GET may write too (an identity provider's redirect back).
  if (!c.get('services').db.dialect.ordersAfterCommit) {
    await next();
    await recordRequest(c);
    return;
  }
  // The request's events and audit entries are numbered and chained before it answers
  // (PostgreSQL: audit-outbox.ts), so whoever reads next sees them.
  const request = inWriteScope(async () => {
    await next();
    await recordRequest(c);
  });
  await request.result;
  if (request.pending()) {
    const { db } = c.get('services');
    await settleWrites(db.kysely).catch((err) => c.get('log').error({ err: errField(err) }, '[audit] could not chain the audit log'));
  }
};

async function recordRequest(c: Context<AppEnv>): Promise<void> {
  if (c.get('audited')) return;
  const status = c.res.status;
  const write = isWrite(c);
  const probing = status === 404 && Boolean(c.get('user')) && OBJECT_ROUTE.test(c.req.path);
  const denied = status === 401 || status === 403 || probing;
  if (!write && !denied) return;
  if (c.req.path.startsWith('/api/auth/')) return;
  const { db } = c.get('services');
  const details: Record<string, string | number> = { status };
  if (denied) {
    const code = await errorCode(c.res);
    if (code) details.code = code;
  }
  try {
    await audit(db.kysely, requestEntry(c, denied ? 'denied' : status < 400 ? 'success' : 'failure', details));
  } catch (err) {
    c.get('log').error({ err: errField(err) }, '[audit] could not record a request');
  }
}

/** The error code of a refusal in the shared error shape (`CSRF`/`ORIGIN_NOT_ALLOWED`/…), read from a copy of the answer. */
async function errorCode(res: Response): Promise<string | null> {
  if (!(res.headers.get('content-type') ?? '').includes('json')) return null;
  try {
    const body = (await res.clone().json()) as { error?: { code?: unknown } };
    return typeof body.error?.code === 'string' ? body.error.code.slice(0, 60) : null;
  } catch {
    return null;
  }
}
