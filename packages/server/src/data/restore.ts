import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, mkdtemp, open, readdir, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { getMigrations } from 'better-auth/db/migration';
import pg from 'pg';
import { extract } from 'tar-stream';
import { z } from 'zod';
import { authOptions } from '../auth.ts';
import { auditKeysOf, AuditKeys, readCheckpoints, verifyChain, type Verification } from '../audit-chain.ts';
import type { ServerConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { MIGRATIONS } from '../db/migrations.ts';
import {
  authSecretId,
  BACKUP_FORMAT,
  BACKUP_VERSION,
  BackupError,
  CHECKPOINTS_PATH,
  connect,
  MAIN_TABLES,
  ManifestSchema,
  pgConnection,
  runTool,
  StorageKey,
  type BackupOptions,
  type Manifest,
} from './backup.ts';
import { storedPath } from './stores/disk-store.ts';

/*
 * npm run restore (bin/restore.ts): a backup made by takeBackup (./backup.ts,
 * which describes the archive) back into an empty database and data folder.
 */

/** Reads the archive's entries in order; `onEntry` consumes each (or it is skipped). Stops early when it returns false. */
async function readArchive(file: string, onEntry: (name: string, size: number, data: AsyncIterable<Buffer>) => Promise<boolean | void>): Promise<void> {
  const input = createReadStream(file);
  const entries = extract();
  input.on('error', (err) => entries.destroy(err));
  input.pipe(entries as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of entries) {
      const type = entry.header.type ?? 'file';
      if (type !== 'file') throw new BackupError(`the archive holds a ${type} entry (${entry.header.name}): not a JusticeConnect backup`);
      const more = await onEntry(entry.header.name, entry.header.size ?? 0, entry as AsyncIterable<Buffer>);
      // Whatever the callback did not read is skipped.
      for await (const _ of entry) void _;
      if (more === false) break;
    }
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`cannot read ${file}: ${(err as Error).message}`);
  } finally {
    input.destroy();
    entries.destroy();
  }
}

/** Hashes the data, writing it to `to` as it goes (when given, created new: never over a file). */
async function hashInto(data: AsyncIterable<Buffer>, to?: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const handle = to ? await open(to, 'wx', 0o600) : null;
  try {
    for await (const chunk of data) {
      hash.update(chunk);
      size += chunk.length;
      if (handle) await handle.write(chunk);
    }
    if (handle) await handle.sync();
  } finally {
    await handle?.close();
  }
  return { size, sha256: hash.digest('hex') };
}

/** The manifest, read from the archive's first entry and checked. */
export async function readManifest(file: string): Promise<Manifest> {
  if (!(await stat(file).then((s) => s.isFile(), () => false))) throw new BackupError(`${file} is not a file`);
  let text: string | null = null;
  await readArchive(file, async (name, size, data) => {
    if (name !== 'manifest.json' || size > 64 * 1024 * 1024) return false;
    const chunks: Buffer[] = [];
    for await (const chunk of data) chunks.push(chunk);
    text = Buffer.concat(chunks).toString('utf8');
    return false;
  }).catch((err: BackupError) => {
    throw new BackupError(err.message.startsWith('cannot read') ? `${file} is not a tar archive (${err.message})` : err.message);
  });
  if (text === null) throw new BackupError(`${file} does not start with manifest.json: not a JusticeConnect backup`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BackupError(`${file}: its manifest.json is not JSON`);
  }
  const format = z.object({ format: z.literal(BACKUP_FORMAT), version: z.number() }).safeParse(json);
  if (!format.success) throw new BackupError(`${file} is not a JusticeConnect backup`);
  if (format.data.version !== BACKUP_VERSION) throw new BackupError(`${file} is a backup of format version ${format.data.version}; this version restores ${BACKUP_VERSION}`);
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new BackupError(`${file}: its manifest is not valid:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}

/** What stands in the way of restoring here (empty: nothing). */
export async function targetContents(config: ServerConfig): Promise<string[]> {
  const found: string[] = [];
  if (config.database.kind === 'sqlite') {
    for (const f of [config.database.url, `${config.database.url}-wal`]) {
      const s = await stat(f).catch(() => null);
      if (s && s.size > 0) found.push(`the database file ${f}`);
    }
  } else {
    const client = new pg.Client({ connectionString: config.database.url });
    await connect(client, config);
    try {
      const res = await client.query<{ n: string }>(
        `select count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'`,
      );
      const n = Number(res.rows[0]!.n);
      if (n > 0) found.push(`${n} tables or sequences in the database ${pgConnection(config.database.url).safe}`);
    } finally {
      await client.end().catch(() => {});
    }
  }
  const files = await countFiles(path.join(config.dataDir, 'files'));
  if (files > 0) found.push(`${files} files under ${path.join(config.dataDir, 'files')}`);
  if (config.audit.checkpoints.kind === 'file') {
    const s = await stat(config.audit.checkpoints.path).catch(() => null);
    if (s && s.size > 0) found.push(`the audit checkpoint file ${config.audit.checkpoints.path}`);
  }
  return found;
}

async function countFiles(dir: string): Promise<number> {
  const names = await readdir(dir, { withFileTypes: true }).catch(() => []);
  let n = 0;
  for (const d of names) n += d.isDirectory() ? await countFiles(path.join(dir, d.name)) : 1;
  return n;
}

export interface RestoreResult {
  manifest: Manifest;
  counts: Record<string, number>;
  migrations: { applied: number; pending: string[]; authPending: string[] };
  /** Where the checkpoints went (null: the backup had none). */
  checkpointsFile: string | null;
  audit: Verification;
}

/**
 * Restores `file` into the configured database and data folder, which must
 * be empty: checks the manifest (format, dialect, migrations this version
 * knows, the same secrets), every part's sha256 before anything is written,
 * then the database, the files and the checkpoints; marks the vanished files'
 * rows deleted; checks the migrations and the counts; verifies the audit log.
 */
export async function restoreBackup(config: ServerConfig, file: string, options: Pick<BackupOptions, 'pgBinDir'> = {}): Promise<RestoreResult> {
  const manifest = await readManifest(file);
  const dialect = config.database.kind;
  if (manifest.dialect !== dialect) {
    throw new BackupError(`this is a backup of a ${manifest.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} database; the configuration (JC_DATABASE_URL) selects ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`);
  }
  const known = new Set(Object.keys(MIGRATIONS));
  const unknown = manifest.migrations.filter((m) => !known.has(m));
  if (unknown.length) throw new BackupError(`the backup was taken by a newer version (migrations ${unknown.join(', ')} are unknown here): restore it with that version`);
  const keyId = new AuditKeys(config.audit.key).id;
  if (keyId !== manifest.audit.keyId) {
    throw new BackupError(
      `the audit key configured (${config.audit.keySource}, id ${keyId}) is not the one the backup was taken with (id ${manifest.audit.keyId}): set JC_AUDIT_KEY or JC_AUDIT_KEY_FILE to the original key`,
    );
  }
  if (authSecretId(config.authSecret) !== manifest.authSecretId) {
    throw new BackupError(
      `the auth secret configured is not the one the backup was taken with (id ${manifest.authSecretId}; it encrypts the authenticator and identity provider secrets): set JC_AUTH_SECRET, or put the original auth-secret file in ${config.dataDir}`,
    );
  }
  const store = manifest.fileStore ?? 'disk';
  if (store !== config.files.store) {
    throw new BackupError(
      `the backup's files were kept in the ${store} file store; the configuration (JC_FILE_STORE) selects ${config.files.store}: restore with JC_FILE_STORE=${store}, where its files are`,
    );
  }
  const refuse = async () => {
    const found = await targetContents(config);
    if (found.length) throw new BackupError(`refused: a backup is restored into an empty database and data folder only, and here there is ${found.join('; ')}`);
  };
  await refuse();

  // Every part against its sha256 before anything is written; the database part kept aside.
  const expected = new Map<string, { size: number; sha256: string }>([[manifest.database.path, manifest.database]]);
  if (manifest.audit.checkpoints) expected.set(manifest.audit.checkpoints.path, manifest.audit.checkpoints);
  for (const e of manifest.files.entries) expected.set(`files/${e.key}`, e);
  const staging =
    dialect === 'sqlite'
      ? path.dirname(config.database.url)
      : await mkdtemp(path.join(tmpdir(), 'jc-restore-'));
  await mkdir(staging, { recursive: true });
  const databaseFile = path.join(staging, `${path.basename(config.database.url)}.restoring-${randomBytes(4).toString('hex')}`);
  const check = (name: string, got: { size: number; sha256: string }) => {
    const want = expected.get(name)!;
    if (got.size !== want.size || got.sha256 !== want.sha256) throw new BackupError(`the archive is damaged: ${name} does not match its sha256 in the manifest`);
  };
  try {
    const seen = new Set<string>();
    await readArchive(file, async (name, _size, data) => {
      if (name === 'manifest.json' && seen.size === 0) return;
      if (!expected.has(name) || seen.has(name)) throw new BackupError(`the archive holds ${name}, which its manifest does not list`);
      seen.add(name);
      check(name, await hashInto(data, name === manifest.database.path ? databaseFile : undefined));
    });
    const missing = [...expected.keys()].filter((k) => !seen.has(k));
    if (missing.length) throw new BackupError(`the archive is incomplete: ${missing.length} parts its manifest lists are missing (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''})`);

    // Nothing may have arrived meanwhile.
    await refuse();
    if (dialect === 'sqlite') {
      // An empty file (checked above) gives way; anything else that appeared meanwhile stops the restore.
      if ((await stat(config.database.url).catch(() => null))?.size === 0) await unlink(config.database.url);
      await link(databaseFile, config.database.url).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EEXIST') throw new BackupError(`refused: ${config.database.url} appeared while the restore ran`);
        throw err;
      });
    } else {
      await runTool(config, 'pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', databaseFile], options.pgBinDir);
    }
  } finally {
    if (dialect === 'sqlite') await unlink(databaseFile).catch(() => {});
    else await rm(staging, { recursive: true, force: true });
  }

  // The files and the checkpoints, checked again as they are written.
  const checkpointsFile = !manifest.audit.checkpoints
    ? null
    : config.audit.checkpoints.kind === 'file'
      ? config.audit.checkpoints.path
      : path.join(config.dataDir, 'audit-checkpoints.restored.jsonl');
  await readArchive(file, async (name, _size, data) => {
    let to: string | null = null;
    if (name.startsWith('files/')) to = storedPath(config.dataDir, StorageKey.parse(name.slice('files/'.length)));
    else if (name === CHECKPOINTS_PATH && checkpointsFile) to = checkpointsFile;
    if (!to) return;
    await mkdir(path.dirname(to), { recursive: true });
    if (to === checkpointsFile) await rm(to, { force: true }); // an empty one (checked above)
    check(name, await hashInto(data, to));
  });

  const db = openDatabase(config.database, config.audit.key);
  try {
    // Rows whose bytes were deleted during the backup: deleted here too (their file is not served, and the next sweep removes the rows).
    const vanished = manifest.files.vanished.map((v) => v.id);
    if (vanished.length) {
      await db.kysely.updateTable('attachment').set({ deleted_at: manifest.createdAt }).where('id', 'in', vanished).where('deleted_at', 'is', null).execute();
    }
    // The migrations check: what the restored database has applied, against what this version knows.
    const applied = new Set((await sql<{ name: string }>`select name from kysely_migration`.execute(db.kysely)).rows.map((r) => r.name));
    const stray = [...applied].filter((m) => !known.has(m));
    if (stray.length) throw new BackupError(`the restored database has migrations this version does not know: ${stray.join(', ')}`);
    const pending = [...known].filter((m) => !applied.has(m));
    const auth = await getMigrations(authOptions(config, db));
    const authPending = [...auth.toBeCreated.map((t) => t.table), ...auth.toBeAdded.map((t) => t.table)];
    // The counts, against the manifest's.
    const counts: Record<string, number> = {};
    for (const table of MAIN_TABLES) {
      const res = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(table)}`.execute(db.kysely);
      counts[table] = Number(res.rows[0]!.n);
    }
    const differ = MAIN_TABLES.filter((t) => manifest.counts[t] !== undefined && manifest.counts[t] !== counts[t]);
    if (differ.length) throw new BackupError(`the restored rows differ from the backup's counts: ${differ.map((t) => `${t} ${counts[t]} (backup ${manifest.counts[t]})`).join(', ')}`);
    const read = checkpointsFile ? await readCheckpoints(checkpointsFile) : null;
    const audit = await verifyChain(db.kysely, auditKeysOf(db.kysely), read?.checkpoints ?? []);
    return { manifest, counts, migrations: { applied: applied.size, pending, authPending }, checkpointsFile, audit };
  } finally {
    await db.close();
  }
}
