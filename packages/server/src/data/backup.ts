import SQLite from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { pack, type Pack } from 'tar-stream';
import { z } from 'zod';
import { AuditKeys, type Checkpoint } from '../audit-chain.ts';
import type { ServerConfig } from '../config.ts';
import { storedPath } from './stores/disk-store.ts';

/*
 * Backup and restore (npm run backup / npm run restore; bin/backup.ts,
 * bin/restore.ts). One tar archive holds everything a restore needs but the
 * secrets:
 *
 *   manifest.json             what is inside (ManifestSchema): dialect, when, the
 *                             migrations applied, row counts, and each part's sha256
 *   database/…                justiceconnect.sqlite (SQLite's online backup) or
 *                             postgres.dump (pg_dump's custom format)
 *   audit/checkpoints.jsonl   the signed audit checkpoints that the snapshot's log reaches
 *   files/<storage key>       every uploaded file a row of the snapshot names (the disk
 *                             file store only: the database store's chunks are in the
 *                             database part, and an S3 bucket is backed up by its own
 *                             tooling, versioning or replication)
 *
 * Consistency. The database is copied online, as one snapshot: SQLite's
 * backup API copying every page in one step (one read transaction: the
 * server's writers carry on, WAL), PostgreSQL's pg_dump on a snapshot
 * exported by a repeatable-read transaction that also reads the counts and
 * the file rows, so the manifest describes exactly the dump. Files are taken
 * by what that snapshot says. An upload's bytes are in place before its row
 * commits, and are never changed after; bytes go away only after their row
 * was marked deleted in a committed transaction (data/files.ts). So before
 * the snapshot every file present is hard-linked into a private hold folder
 * (the server may then unlink its name, the bytes stay), and after it each
 * file a row names is taken from the hold, or from its place for uploads
 * since. A live row whose bytes are gone even so (uploaded and deleted again
 * within the backup) was deleted after the snapshot: it is listed in the
 * manifest as vanished, and the restore marks it deleted, as the server had.
 * Files no row names (an upload whose row never committed) are left out.
 *
 * Secrets are never in the archive: the audit key (whoever holds the archive
 * must not be able to re-sign its log) and the auth secret (it encrypts the
 * authenticator secrets and the identity providers' client secrets in the
 * database). The manifest names each by a one-way id, and a restore refuses a
 * configuration whose secrets are not the ones the backup was taken with.
 */

export const BACKUP_FORMAT = 'justiceconnect-backup';
export const BACKUP_VERSION = 1;

/** The tables whose rows the manifest counts (and a restore counts again). */
export const MAIN_TABLES = [
  'agency',
  'user',
  'profile',
  'session',
  'community',
  'membership',
  'post',
  'comment',
  'reaction',
  'attachment',
  'forum',
  'topic',
  'reply',
  'activity',
  'activity_update',
  'service',
  'announcement',
  'identity_provider',
  'event',
  'audit_log',
  'audit_outbox',
] as const;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const Count = z.number().int().nonnegative();
/** `<community id>/<file id>` (posts/files.ts): also the archive's and the data folder's path, so nothing that could climb out. */
export const StorageKey = z.string().regex(/^[A-Za-z0-9_-]{1,100}\/[A-Za-z0-9_-]{1,100}$/, 'not a storage key');
const Part = z.strictObject({ path: z.string().min(1), size: Count, sha256: Sha256 });
export const DATABASE_PATHS = { sqlite: 'database/justiceconnect.sqlite', postgres: 'database/postgres.dump' } as const;
export const CHECKPOINTS_PATH = 'audit/checkpoints.jsonl';

export const ManifestSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  createdAt: z.iso.datetime(),
  dialect: z.enum(['sqlite', 'postgres']),
  /** Migrations the snapshot had applied (kysely_migration). */
  migrations: z.array(z.string()),
  database: Part,
  /** Rows per main table in the snapshot. */
  counts: z.record(z.string(), Count),
  files: z.strictObject({
    count: Count,
    bytes: Count,
    entries: z.array(z.strictObject({ key: StorageKey, size: Count, sha256: Sha256 })),
    /** Live rows of the snapshot whose bytes were deleted before they could be taken (see above). */
    vanished: z.array(z.strictObject({ id: z.string(), key: StorageKey })),
  }),
  audit: z.strictObject({
    /** The audit key's public id (AuditKeys.id), never the key. */
    keyId: z.string(),
    head: z.strictObject({ seq: Count, hash: z.string() }).nullable(),
    /** The checkpoint file's lines up to the snapshot's head (null: the sink is stdout or syslog, or nothing was written yet). */
    checkpoints: Part.extend({ kept: Count, left: Count }).nullable(),
  }),
  /** A one-way id of the auth secret, never the secret. */
  authSecretId: z.string(),
  /** Where the files' bytes were (JC_FILE_STORE); absent in backups from before it: the data folder. */
  fileStore: z.enum(['disk', 'database', 's3']).optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** A refusal or failure with a message for the operator (the CLIs print it without a stack). */
export class BackupError extends Error {}

/** A one-way id of the auth secret: tells two secrets apart without saying anything about either. */
export function authSecretId(secret: string): string {
  return createHmac('sha256', secret).update('jc-auth-secret-id-v1').digest('hex').slice(0, 16);
}

/** "1.2 MB": a size for messages. */
export function sayBytes(n: number): string {
  const [unit, size] = n >= 1024 ** 3 ? ['GB', 1024 ** 3] : n >= 1024 ** 2 ? ['MB', 1024 ** 2] : n >= 1024 ? ['KB', 1024] : ['bytes', 1];
  return `${Number((n / size).toFixed(1))} ${unit}`;
}

/** "agency 2, user 5, …": the counts for messages. */
export const sayCounts = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .map(([table, n]) => `${table} ${n}`)
    .join(', ');

/** Where the database is, for messages: never the password. */
export function describeDatabase(database: ServerConfig['database']): string {
  return database.kind === 'sqlite' ? `SQLite ${database.url}` : `PostgreSQL ${pgConnection(database.url).safe}`;
}

/**
 * A PostgreSQL URL for libpq's tools without its password, and the password
 * for their environment (PGPASSWORD): never on a command line, which other
 * users of the machine can read.
 */
export function pgConnection(url: string): { dbname: string; env: Record<string, string>; safe: string } {
  const u = new URL(url);
  const password = u.password ? decodeURIComponent(u.password) : (u.searchParams.get('password') ?? '');
  u.password = '';
  u.searchParams.delete('password');
  const safe = `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}`;
  return { dbname: u.toString(), env: password ? { PGPASSWORD: password } : {}, safe };
}

/** Runs a PostgreSQL client tool (pg_dump, pg_restore); its messages, with the password masked, on failure. */
export async function runTool(config: ServerConfig, tool: string, args: string[], binDir?: string): Promise<void> {
  const conn = pgConnection(config.database.url);
  const command = binDir ? path.join(binDir, tool) : tool;
  const child = spawn(command, [...args, '--no-password', `--dbname=${conn.dbname}`], { env: { ...process.env, ...conn.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString('utf8')).slice(-8000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new BackupError(`${command} was not found: install the PostgreSQL client tools (the server's major version) or set JC_PG_BIN_DIR`) : err),
    );
    child.on('close', resolve);
  });
  if (code !== 0) {
    const masked = conn.env.PGPASSWORD ? errors.split(conn.env.PGPASSWORD).join('***') : errors;
    throw new BackupError(`${tool} failed (exit code ${code}) on ${conn.safe}:\n${masked.trim()}`);
  }
}

/** Connects, or says which database could not be reached (never the password). */
export async function connect(client: pg.Client, config: ServerConfig): Promise<void> {
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    throw new BackupError(`cannot connect to ${pgConnection(config.database.url).safe}: ${(err as Error).message}`);
  }
}

async function sha256File(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

/** Queries on the snapshot: the SQLite copy, or the PostgreSQL transaction pg_dump shares. */
type Query = (text: string) => Promise<Record<string, unknown>[]>;

interface Snapshot {
  migrations: string[];
  counts: Record<string, number>;
  attachments: { id: string; key: string; live: boolean }[];
  head: { seq: number; hash: string } | null;
}

async function readSnapshot(query: Query): Promise<Snapshot> {
  const migrations = (await query('select name from kysely_migration order by name')).map((r) => String(r.name));
  const counts: Record<string, number> = {};
  for (const table of MAIN_TABLES) counts[table] = Number((await query(`select count(*) as n from "${table}"`))[0]!.n);
  const attachments = (await query('select id, storage_key, deleted_at from attachment order by id')).map((r) => {
    const key = StorageKey.safeParse(r.storage_key);
    if (!key.success) throw new BackupError(`attachment ${String(r.id)} has a storage key that is not one (${JSON.stringify(r.storage_key)}): not backed up`);
    return { id: String(r.id), key: key.data, live: r.deleted_at == null };
  });
  const [head] = await query('select seq, hash from audit_log order by seq desc limit 1');
  return { migrations, counts, attachments, head: head ? { seq: Number(head.seq), hash: String(head.hash) } : null };
}

export interface BackupOptions {
  /** Where pg_dump and pg_restore are (JC_PG_BIN_DIR); else the PATH. */
  pgBinDir?: string;
  /** Hard-link the files present into a hold before the snapshot (default true; tests turn it off to make a file vanish). */
  hold?: boolean;
  /** Called right after the database snapshot is taken, before any file is (tests: a write that lands in between). */
  afterSnapshot?: () => Promise<void>;
  clock?: () => Date;
}

export interface BackupResult {
  file: string;
  bytes: number;
  manifest: Manifest;
}

const ENTRY_MODE = 0o600;

async function addEntry(archive: Pack, name: string, source: { file: string } | { data: Buffer }, mtime: Date): Promise<void> {
  const size = 'data' in source ? source.data.length : (await stat(source.file)).size;
  await new Promise<void>((resolve, reject) => {
    const entry = archive.entry({ name, size, mode: ENTRY_MODE, mtime, type: 'file' }, (err) => (err ? reject(err) : resolve()));
    if ('data' in source) {
      entry.end(source.data);
      return;
    }
    void (async () => {
      try {
        for await (const chunk of createReadStream(source.file)) {
          if (!entry.write(chunk)) await once(entry, 'drain');
        }
        entry.end(undefined);
      } catch (err) {
        entry.destroy(err as Error);
        reject(err);
      }
    })();
  });
}

/** The files under `files/` (storage keys), skipping the server's and our own dot-folders. */
async function listStored(filesDir: string): Promise<string[]> {
  const keys: string[] = [];
  const dirs = await readdir(filesDir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  for (const dir of dirs) {
    if (!dir.isDirectory() || dir.name.startsWith('.')) continue;
    const names = await readdir(path.join(filesDir, dir.name), { withFileTypes: true }).catch(() => []);
    for (const name of names) if (name.isFile()) keys.push(`${dir.name}/${name.name}`);
  }
  return keys;
}

/** Links (or, on a file system without hard links, copies) `from` to `to`; false when `from` is gone. */
async function holdFile(from: string, to: string, linking: { ok: boolean }): Promise<boolean> {
  await mkdir(path.dirname(to), { recursive: true });
  if (linking.ok) {
    try {
      await link(from, to);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return false;
      if (code === 'EEXIST') return true;
      if (!['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK'].includes(code ?? '')) throw err;
      linking.ok = false;
    }
  }
  try {
    await copyFile(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/**
 * Takes an online backup of the configured server into `file` (which must
 * not exist): see the top of this file for what is in it and why it is
 * consistent. The archive appears whole or not at all.
 */
export async function takeBackup(config: ServerConfig, file: string, options: BackupOptions = {}): Promise<BackupResult> {
  const clock = options.clock ?? (() => new Date());
  const out = path.resolve(file);
  if (await stat(out).then(() => true, () => false)) throw new BackupError(`${out} already exists: name a new file`);
  if (!(await stat(path.dirname(out)).then((s) => s.isDirectory(), () => false))) throw new BackupError(`${path.dirname(out)} is not a folder`);
  const dialect = config.database.kind;
  if (dialect === 'sqlite' && !(await stat(config.database.url).then((f) => f.isFile(), () => false))) {
    throw new BackupError(`there is no database at ${config.database.url}: run the backup with the server's JC_DATABASE_URL and JC_DATA_DIR`);
  }
  const filesDir = path.join(config.dataDir, 'files');
  // The database copy and the manifest are made beside the archive; the hold must share the files' file system.
  const work = await mkdtemp(path.join(path.dirname(out), '.jc-backup-'));
  let hold: string | null = null;
  const partial = path.join(work, 'archive.tar');
  try {
    const linking = { ok: true };
    const held = new Set<string>();
    // Only the disk store's files are taken into the archive (see the top of this file).
    const onDisk = config.files.store === 'disk';
    if (options.hold !== false && onDisk) {
      await mkdir(filesDir, { recursive: true });
      hold = await mkdtemp(path.join(filesDir, '.backup-'));
      for (const key of await listStored(filesDir)) {
        if (!linking.ok) break;
        if (await holdFile(storedPath(config.dataDir, key), path.join(hold, key), linking)) held.add(key);
      }
      // Without hard links a copy made now would be a copy of every file twice: take them after the snapshot only.
      if (!linking.ok) held.clear();
    } else {
      hold = await mkdtemp(path.join(work, 'files-'));
    }

    // The snapshot.
    const createdAt = clock().toISOString();
    const databaseFile = path.join(work, path.basename(DATABASE_PATHS[dialect]));
    let snapshot: Snapshot;
    if (dialect === 'sqlite') {
      const source = new SQLite(config.database.url, { fileMustExist: true });
      try {
        source.pragma('busy_timeout = 5000');
        // Every page in one step: one read transaction, so one consistent state (steps of a few pages would
        // start over whenever the server writes in between). In WAL mode the server's writers do not wait.
        await source.backup(databaseFile, { progress: () => 0x7fffffff });
      } finally {
        source.close();
      }
      const copy = new SQLite(databaseFile, { fileMustExist: true });
      try {
        snapshot = await readSnapshot(async (text) => copy.prepare(text).all() as Record<string, unknown>[]);
      } finally {
        copy.close();
      }
    } else {
      const client = new pg.Client({ connectionString: config.database.url });
      await connect(client, config);
      try {
        await client.query('begin isolation level repeatable read read only');
        const exported = await client.query<{ id: string }>('select pg_export_snapshot() as id');
        snapshot = await readSnapshot(async (text) => (await client.query(text)).rows);
        // pg_dump sees exactly what the queries above saw: the transaction that exported the snapshot stays open until it is done.
        await runTool(config, 'pg_dump', ['--format=custom', `--file=${databaseFile}`, `--snapshot=${exported.rows[0]!.id}`], options.pgBinDir);
        await client.query('commit');
      } finally {
        await client.end().catch(() => {});
      }
    }
    await options.afterSnapshot?.();

    // The files the snapshot names, from the hold or their place.
    const entries: Manifest['files']['entries'] = [];
    const vanished: Manifest['files']['vanished'] = [];
    for (const a of onDisk ? snapshot.attachments : []) {
      const kept = path.join(hold, a.key);
      const have = held.has(a.key) || (await holdFile(storedPath(config.dataDir, a.key), kept, linking));
      if (!have) {
        // A deleted row's bytes may be gone (the purge removes them first): nothing to keep.
        if (a.live) vanished.push({ id: a.id, key: a.key });
        continue;
      }
      held.add(a.key);
      entries.push({ key: a.key, ...(await sha256File(kept)) });
    }

    // The checkpoints the snapshot's log reaches (later ones name rows it does not have: a restore would read them as a cut-off tail).
    let checkpoints: Manifest['audit']['checkpoints'] = null;
    const checkpointsFile = path.join(work, 'checkpoints.jsonl');
    if (config.audit.checkpoints.kind === 'file') {
      const text = await readFile(config.audit.checkpoints.path, 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null;
        throw err;
      });
      if (text !== null) {
        // Only whole lines: the server may be appending one right now.
        const lines = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean);
        const keep: string[] = [];
        let left = 0;
        for (const line of lines) {
          let c: Partial<Checkpoint> | null = null;
          try {
            c = JSON.parse(line.slice(line.indexOf('{'))) as Partial<Checkpoint>;
          } catch {
            /* not a checkpoint: left out */
          }
          if (c && typeof c.seq === 'number' && snapshot.head && c.seq <= snapshot.head.seq) keep.push(line);
          else left++;
        }
        await writeFile(checkpointsFile, keep.map((l) => `${l}\n`).join(''), { mode: 0o600 });
        checkpoints = { path: CHECKPOINTS_PATH, ...(await sha256File(checkpointsFile)), kept: keep.length, left };
      }
    }

    const manifest = ManifestSchema.parse({
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt,
      dialect,
      migrations: snapshot.migrations,
      database: { path: DATABASE_PATHS[dialect], ...(await sha256File(databaseFile)) },
      counts: snapshot.counts,
      files: { count: entries.length, bytes: entries.reduce((n, e) => n + e.size, 0), entries, vanished },
      audit: { keyId: new AuditKeys(config.audit.key).id, head: snapshot.head, checkpoints },
      authSecretId: authSecretId(config.authSecret),
      fileStore: config.files.store,
    } satisfies Manifest);

    // The archive: the manifest first (a restore checks it before reading on), then each part.
    const archive = pack();
    const written = (async () => {
      const sink = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
      const done = new Promise<void>((resolve, reject) => {
        sink.on('finish', resolve);
        sink.on('error', reject);
        archive.on('error', reject);
      });
      archive.pipe(sink);
      await done;
    })();
    const mtime = new Date(createdAt);
    await addEntry(archive, 'manifest.json', { data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) }, mtime);
    await addEntry(archive, manifest.database.path, { file: databaseFile }, mtime);
    if (checkpoints) await addEntry(archive, checkpoints.path, { file: checkpointsFile }, mtime);
    for (const e of entries) await addEntry(archive, `files/${e.key}`, { file: path.join(hold, e.key) }, mtime);
    archive.finalize();
    await written;
    const handle = await open(partial, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    // Into place only now, and never over a file that appeared meanwhile.
    await link(partial, out).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') throw new BackupError(`${out} appeared while the backup ran: left it alone`);
      throw err;
    });
    return { file: out, bytes: (await stat(out)).size, manifest };
  } finally {
    await rm(work, { recursive: true, force: true });
    if (hold) await rm(hold, { recursive: true, force: true });
  }
}
