import { createHash } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { sql, type Kysely } from 'kysely';
import type { DatabaseKind } from './config.ts';
import type { AuditLogTable, Database } from './db/schema.ts';
import type { AppEnv } from './http/context.ts';

/**
 * The audit log: one row per security-relevant event (who, what, to what,
 * outcome, when in UTC, from where), append-only — the database refuses
 * updates and deletes — and hash-chained: each row's hash covers its fields
 * and the previous row's hash, so changing, removing or reordering a row
 * breaks the chain, which `npm run audit:verify` finds. Nothing secret is
 * ever written: no password, token, code or request body.
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

const GENESIS = '0'.repeat(64);
const AUDIT_LOCK_KEY = 0x4a43_4155; // "JCAU"

type Hashed = Pick<AuditLogTable, 'at' | 'actor_id' | 'actor_agency_id' | 'action' | 'target' | 'outcome' | 'ip' | 'user_agent' | 'details' | 'prev_hash'>;

/** The hash of a row: its fields in a fixed order, with the previous row's hash. */
export function rowHash(r: Hashed): string {
  return createHash('sha256')
    .update(JSON.stringify([r.prev_hash, r.at, r.actor_id, r.actor_agency_id, r.action, r.target, r.outcome, r.ip, r.user_agent, r.details]))
    .digest('hex');
}

/**
 * Appends one entry in the caller's transaction (so it exists exactly when
 * the change it records does). Writers take turns: on PostgreSQL a
 * transaction-scoped advisory lock, on SQLite the write transaction itself.
 */
export async function appendAudit(trx: Kysely<Database>, kind: DatabaseKind, entry: AuditEntry): Promise<void> {
  if (kind === 'postgres') await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(trx);
  const [last, agency] = await Promise.all([
    trx.selectFrom('audit_log').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst(),
    entry.actorId ? trx.selectFrom('profile').select('agency_id').where('user_id', '=', entry.actorId).executeTakeFirst() : Promise.resolve(undefined),
  ]);
  const row: Hashed = {
    at: new Date().toISOString(),
    actor_id: entry.actorId,
    actor_agency_id: agency?.agency_id ?? null,
    action: printable(entry.action),
    target: entry.target == null ? null : printable(entry.target),
    outcome: entry.outcome,
    ip: entry.ip == null ? null : printable(entry.ip),
    user_agent: entry.userAgent == null ? null : printable(entry.userAgent.slice(0, 300)),
    details: JSON.stringify(entry.details ?? {}),
    prev_hash: last?.hash ?? GENESIS,
  };
  await trx
    .insertInto('audit_log')
    .values({ ...row, hash: rowHash(row) })
    .execute();
}

/**
 * Text as it may be stored and read back: control characters (a NUL byte in a
 * hostile path, which PostgreSQL's text refuses, or a newline forging a log
 * line) are written as visible escapes, so such a request is still recorded.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Appends one entry in its own transaction. */
export async function audit(db: Kysely<Database>, kind: DatabaseKind, entry: AuditEntry): Promise<void> {
  await db.transaction().execute((trx) => appendAudit(trx, kind, entry));
}

/** Walks the chain in order; the first row whose hash or link does not hold, or null when the whole log is intact. */
export async function verifyAudit(db: Kysely<Database>): Promise<{ rows: number; broken: { seq: number; reason: string } | null }> {
  let prev = GENESIS;
  let rows = 0;
  let after: number | null = null;
  for (;;) {
    let q = db.selectFrom('audit_log').selectAll().orderBy('seq').limit(1000);
    if (after !== null) q = q.where('seq', '>', after);
    const page = await q.execute();
    if (page.length === 0) return { rows, broken: null };
    for (const r of page) {
      const seq = Number(r.seq);
      if (r.prev_hash !== prev) return { rows, broken: { seq, reason: 'does not follow the row before it (a row was removed or reordered)' } };
      if (rowHash(r) !== r.hash) return { rows, broken: { seq, reason: 'its contents were changed' } };
      prev = r.hash;
      rows++;
      after = seq;
    }
  }
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

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Records every state-changing API request (administrator actions, role,
 * membership and permission changes, content deletion and moderation, …) and
 * every denied request, read or write: method and path (never the query
 * string or body), the signed-in actor, and the outcome. Authentication
 * events are recorded by the auth routes themselves, with more detail.
 */
export const auditRequests: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const status = c.res.status;
  const write = !READS.has(c.req.method);
  const denied = status === 401 || status === 403;
  if (!write && !denied) return;
  if (c.req.path.startsWith('/api/auth/')) return;
  const { db } = c.get('services');
  const user = c.get('user');
  try {
    await audit(db.kysely, db.kind, {
      actorId: user?.id ?? null,
      action: `${c.req.method} ${c.req.path}`.slice(0, 300),
      target: c.req.path.slice(0, 300),
      outcome: denied ? 'denied' : status < 400 ? 'success' : 'failure',
      ...origin(c),
      details: { status },
    });
  } catch (err) {
    console.error('[audit] could not record a request:', err instanceof Error ? err.message : err);
  }
};
