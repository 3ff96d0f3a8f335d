import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Kysely, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Clock } from './clock.ts';
import type { CheckpointSink } from './config.ts';
import type { AuditLogTable, Database } from './db/schema.ts';

/*
 * What makes the audit log hold against someone who can write the database:
 *
 * - The chain is keyed. Each row's hash is an HMAC (SHA-256) of its fields and
 *   the previous row's hash, under a key that is not in the database
 *   (JC_AUDIT_KEY, or a file with its own permissions). Rewriting a row and
 *   recomputing every hash after it needs that key. Keyed hashes are written
 *   `k1:<hex>`.
 * - Rows written before the key existed (plain SHA-256, 64 hex digits) still
 *   verify as they are, but only before the keyed chain begins: the server
 *   marks that point with an `audit.chain-keyed` row at start, and every
 *   checkpoint names it (`keyedFrom`), so an unkeyed row at or after it, e.g.
 *   the whole log "downgraded" and recomputed with plain SHA-256, is tampering.
 * - Signed checkpoints go somewhere else: every few minutes (and at
 *   shutdown) the head's {seq, hash, at} is signed with the key and appended
 *   to a file outside the database (or stdout, or syslog). A checkpointed row
 *   that is missing (the tail cut off) or whose hash differs (rows recomputed)
 *   is tampering. What was written after the last checkpoint is protected by
 *   the chain alone: the interval is the window.
 */

export const KEYED_PREFIX = 'k1:';
export const GENESIS = '0'.repeat(64);

type Hashed = Pick<AuditLogTable, 'at' | 'actor_id' | 'actor_agency_id' | 'action' | 'target' | 'outcome' | 'ip' | 'user_agent' | 'details' | 'prev_hash'>;

const fields = (r: Hashed) => JSON.stringify([r.prev_hash, r.at, r.actor_id, r.actor_agency_id, r.action, r.target, r.outcome, r.ip, r.user_agent, r.details]);

/** The keys derived from the audit key material: one for the chain, one for checkpoints, and a public id to tell keys apart. */
export class AuditKeys {
  readonly #chain: Buffer;
  readonly #checkpoint: Buffer;
  /** Names the key (not secret): a checkpoint signed with another key is reported as such, not as tampering. */
  readonly id: string;
  constructor(material: string) {
    const derive = (label: string) => createHmac('sha256', material).update(label).digest();
    this.#chain = derive('jc-audit-chain-v1');
    this.#checkpoint = derive('jc-audit-checkpoint-v1');
    this.id = derive('jc-audit-key-id-v1').toString('hex').slice(0, 16);
  }
  rowHash(r: Hashed): string {
    return KEYED_PREFIX + createHmac('sha256', this.#chain).update(fields(r)).digest('hex');
  }
  sign(text: string): string {
    return createHmac('sha256', this.#checkpoint).update(text).digest('hex');
  }
}

/** The hash of a row from before the keyed chain: plain SHA-256 of its fields and the previous row's hash. */
export function legacyRowHash(r: Hashed): string {
  return createHash('sha256').update(fields(r)).digest('hex');
}

/**
 * Carries the audit keys on a database handle (and on every transaction made
 * from it), so whatever appends an audit row signs it without being handed
 * the key. Changes no query.
 */
export class AuditKeyPlugin implements KyselyPlugin {
  constructor(readonly keys: AuditKeys) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** The audit keys of a database handle or transaction, if it was opened with them. */
export function auditKeysOf(db: Kysely<Database>): AuditKeys | null {
  const plugin = db.getExecutor().plugins.find((p): p is AuditKeyPlugin => p instanceof AuditKeyPlugin);
  return plugin?.keys ?? null;
}

/* ---------- checkpoints ---------- */

export interface Checkpoint {
  seq: number;
  hash: string;
  at: string;
  /** The first keyed row's seq: every row from here on must be keyed. */
  keyedFrom: number | null;
  kid: string;
  sig: string;
}

const signedText = (c: Omit<Checkpoint, 'sig'>) => JSON.stringify([c.seq, c.hash, c.at, c.keyedFrom, c.kid]);

export function signCheckpoint(keys: AuditKeys, c: Omit<Checkpoint, 'sig' | 'kid'>): Checkpoint {
  const unsigned = { seq: c.seq, hash: c.hash, at: c.at, keyedFrom: c.keyedFrom, kid: keys.id };
  return { ...unsigned, sig: keys.sign(signedText(unsigned)) };
}

function signatureHolds(keys: AuditKeys, c: Checkpoint): boolean {
  const expected = Buffer.from(keys.sign(signedText(c)), 'hex');
  const given = Buffer.from(typeof c.sig === 'string' ? c.sig : '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The first keyed row, or null while every row is from before the key. */
export async function firstKeyedSeq(db: Kysely<Database>): Promise<number | null> {
  const row = await db.selectFrom('audit_log').select('seq').where('hash', 'like', `${KEYED_PREFIX}%`).orderBy('seq').limit(1).executeTakeFirst();
  return row ? Number(row.seq) : null;
}

/**
 * Writes a signed checkpoint of the log's head to the configured sink (one
 * JSON line), when the head moved since this process last wrote one.
 */
export class CheckpointWriter {
  #lastSeq: number | null = null;
  #keyedFrom: number | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly keys: AuditKeys,
    private readonly sink: CheckpointSink,
    private readonly clock: Clock,
    /** Chains what is waiting in the outbox first (PostgreSQL), so the head signed is the log's real head. */
    private readonly settle: () => Promise<void> = async () => {},
  ) {}

  async write(): Promise<Checkpoint | null> {
    await this.settle();
    const head = await this.db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (!head || Number(head.seq) === this.#lastSeq) return null;
    this.#keyedFrom ??= await firstKeyedSeq(this.db);
    const checkpoint = signCheckpoint(this.keys, { seq: Number(head.seq), hash: head.hash, at: this.clock.now().toISOString(), keyedFrom: this.#keyedFrom });
    await writeToSink(this.sink, JSON.stringify(checkpoint), checkpoint.at);
    this.#lastSeq = checkpoint.seq;
    return checkpoint;
  }
}

async function writeToSink(sink: CheckpointSink, line: string, at: string): Promise<void> {
  if (sink.kind === 'file') {
    await mkdir(path.dirname(sink.path), { recursive: true });
    // One append of one line: several processes may share the file.
    await appendFile(sink.path, `${line}\n`, { mode: 0o600 });
  } else if (sink.kind === 'stdout') {
    process.stdout.write(`[audit-checkpoint] ${line}\n`);
  } else {
    // RFC 5424 over UDP: facility log audit (13), severity informational (6).
    const message = Buffer.from(`<110>1 ${at} ${hostname()} justiceconnect ${process.pid} audit-checkpoint - ${line}`);
    const socket = createSocket(sink.host.includes(':') ? 'udp6' : 'udp4');
    try {
      await new Promise<void>((resolve, reject) => socket.send(message, sink.port, sink.host, (err) => (err ? reject(err) : resolve())));
    } finally {
      socket.close();
    }
  }
}

/**
 * Checkpoints as written, read back from a file (the file sink, or lines
 * collected from stdout or syslog: each line's JSON starts at its first `{`).
 * Lines that are not checkpoints are skipped and counted.
 */
export async function readCheckpoints(file: string): Promise<{ checkpoints: Checkpoint[]; unreadable: number } | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const checkpoints: Checkpoint[] = [];
  let unreadable = 0;
  for (const line of text.split('\n')) {
    const start = line.indexOf('{');
    if (start < 0) continue;
    try {
      const c = JSON.parse(line.slice(start)) as Checkpoint;
      if (typeof c.seq === 'number' && typeof c.hash === 'string' && typeof c.at === 'string' && typeof c.sig === 'string') checkpoints.push(c);
      else unreadable++;
    } catch {
      unreadable++;
    }
  }
  return { checkpoints, unreadable };
}

/* ---------- verification ---------- */

export interface Verification {
  rows: number;
  /** Rows from before the keyed chain (plain SHA-256). */
  legacyRows: number;
  keyedFrom: number | null;
  /** Checkpoints whose row was found with the same hash. */
  checkpointsMatched: number;
  /** Entries written but not chained yet (PostgreSQL's outbox): a running server chains them within a second. */
  pending: number;
  broken: { seq: number; reason: string } | null;
}

export class CannotVerify extends Error {}

/**
 * Walks the chain in order and holds it to the checkpoints: the first row
 * whose hash or link does not hold, or the first checkpoint the log no longer
 * matches, or null when all is intact.
 */
export async function verifyChain(db: Kysely<Database>, keys: AuditKeys | null, checkpoints: Checkpoint[] = []): Promise<Verification> {
  const outbox = await db.selectFrom('audit_outbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  const result: Verification = { rows: 0, legacyRows: 0, keyedFrom: null, checkpointsMatched: 0, pending: Number(outbox?.n ?? 0), broken: null };
  const bySeq = new Map<number, Checkpoint>();
  let mustBeKeyedFrom = Infinity;
  for (const c of checkpoints) {
    if (!keys) throw new CannotVerify('checkpoints are signed: the audit key is needed to check them');
    if (c.kid !== keys.id) throw new CannotVerify(`the checkpoint at ${c.at} was signed with another audit key (${c.kid}); verify with that key`);
    if (!signatureHolds(keys, c)) return { ...result, broken: { seq: c.seq, reason: `the checkpoint dated ${c.at} does not carry a valid signature (it was altered or forged)` } };
    bySeq.set(c.seq, c);
    if (typeof c.keyedFrom === 'number') mustBeKeyedFrom = Math.min(mustBeKeyedFrom, c.keyedFrom);
  }
  const fail = (seq: number, reason: string): Verification => ({ ...result, broken: { seq, reason } });
  let prev = GENESIS;
  let after: number | null = null;
  for (;;) {
    let q = db.selectFrom('audit_log').selectAll().orderBy('seq').limit(1000);
    if (after !== null) q = q.where('seq', '>', after);
    const page = await q.execute();
    if (page.length === 0) break;
    for (const r of page) {
      const seq = Number(r.seq);
      if (r.prev_hash !== prev) return fail(seq, 'does not follow the row before it (a row was removed or reordered)');
      if (r.hash.startsWith(KEYED_PREFIX)) {
        if (!keys) throw new CannotVerify('the log is keyed: the audit key is needed to verify it');
        if (keys.rowHash(r) !== r.hash) return fail(seq, 'its contents were changed (its keyed hash does not hold)');
        result.keyedFrom ??= seq;
      } else {
        if (result.keyedFrom !== null || seq >= mustBeKeyedFrom) return fail(seq, 'an unkeyed row where the chain is keyed (rows were rewritten without the key)');
        if (legacyRowHash(r) !== r.hash) return fail(seq, 'its contents were changed');
        result.legacyRows++;
      }
      const checkpoint = bySeq.get(seq);
      if (checkpoint) {
        if (checkpoint.hash !== r.hash) return fail(seq, `differs from the checkpoint dated ${checkpoint.at} (rows were rewritten)`);
        result.checkpointsMatched++;
        bySeq.delete(seq);
      }
      prev = r.hash;
      result.rows++;
      after = seq;
    }
  }
  const missing = [...bySeq.values()].sort((a, b) => a.seq - b.seq)[0];
  if (missing) return fail(missing.seq, `is missing, though the checkpoint dated ${missing.at} recorded it (rows were deleted from the end of the log)`);
  return result;
}
