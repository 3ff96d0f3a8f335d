import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { createApp } from '../src/app.ts';
import { loadConfig, type ServerConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import type { Database } from '../src/db/schema.ts';
import { BackupError, MAIN_TABLES, pgConnection, takeBackup } from '../src/data/backup.ts';
import { readManifest, restoreBackup, targetContents } from '../src/data/restore.ts';
import { activeUsers, backends, BASE_URL, call, startApp, type Backend, type TestApp } from './helpers.ts';

/*
 * npm run backup / npm run restore (issue 26): an online backup of a server
 * under a write load, restored into a fresh place. Every write answered before
 * the backup started is in the restored copy; whatever was written during it,
 * the copy is consistent (every live file row has its bytes, the audit log
 * verifies against its checkpoints) and the restored server serves it.
 */

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a CLI: this one's, less any server setting, plus `env`. */
function cliEnv(env: Record<string, string>): Record<string, string> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(JC_|DATABASE_URL$|BETTER_AUTH_SECRET$|INIT_CWD$)/.test(k))) as Record<string, string>;
  return { ...base, JC_LOG_REQUESTS: 'false', ...env };
}

/** One of the server's bin/ scripts, as npm run would start it. */
function runBin(bin: string, args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(serverDir, 'bin', bin), ...args], { cwd: serverDir, env: cliEnv(env) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh place to restore into: an empty database and data folder, given the source's audit key and auth secret (they are never in a backup). */
async function freshTarget(backend: Backend, source: TestApp) {
  const dir = mkdtempSync(path.join(tmpdir(), 'jc-restore-'));
  for (const secret of ['audit.key', 'auth-secret']) copyFileSync(path.join(source.dir, secret), path.join(dir, secret));
  const database = await backend.create(dir);
  const env = { JC_DATA_DIR: dir, JC_DATABASE_URL: database.url, JC_BASE_URL: BASE_URL, JC_LOG_REQUESTS: 'false' };
  return {
    dir,
    env,
    config: () => loadConfig(env, { createAuditKey: false, createAuthSecret: false }),
    async drop() {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Files under a data folder's files/, by storage key (leaving out dot-folders: uploads in flight). */
function storedFiles(dataDir: string): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const root = path.join(dataDir, 'files');
  if (!existsSync(root)) return found;
  for (const dir of readdirSync(root)) {
    if (dir.startsWith('.')) continue;
    for (const name of readdirSync(path.join(root, dir))) found.set(`${dir}/${name}`, readFileSync(path.join(root, dir, name)));
  }
  return found;
}

/**
 * The bytes of every file a restored server keeps, by storage key: in its
 * database's file_chunk (the database store, the default on PostgreSQL, whose
 * chunks the database's dump carries) or under its data folder's files/.
 */
async function keptFiles(dataDir: string, db: Kysely<Database>, store: 'disk' | 'database'): Promise<Map<string, Buffer>> {
  if (store === 'disk') return storedFiles(dataDir);
  const found = new Map<string, Buffer>();
  for (const c of await db.selectFrom('file_chunk').select(['storage_key', 'bytes']).orderBy('storage_key').orderBy('seq').execute()) {
    found.set(c.storage_key, Buffer.concat([found.get(c.storage_key) ?? Buffer.alloc(0), Buffer.from(c.bytes)]));
  }
  return found;
}

type Ack = { at: number } & (
  | { kind: 'post'; id: string; body: string }
  | { kind: 'reply'; id: string; body: string }
  | { kind: 'upload'; id: string; sha256: string; postId: string | null }
  | { kind: 'delete'; postId: string; fileId: string }
);

// The dialects' suites run side by side: each spends most of its time waiting for the CLIs it starts.
describe('backup and restore', { concurrency: true }, () => {
  for (const backend of backends()) {
    describe(`backup and restore (${backend.name})`, { concurrency: 1 }, () => {
      let t: TestApp;
      let owner: { cookie: string; userId: string };
      let member: { cookie: string; userId: string };
      let slug: string;
      let topicId: string;
      const sourceEnv = () => ({ JC_DATA_DIR: t.dir, JC_DATABASE_URL: t.databaseUrl });
      /** Where the files are: each dialect's default store. */
      const store = backend.name === 'postgres' ? 'database' : 'disk';
      const sourceConfig = () => loadConfig(sourceEnv(), { createAuditKey: false, createAuthSecret: false });

      async function upload(cookie: string, name: string, bytes: Uint8Array) {
        const form = new FormData();
        form.append('file', new File([bytes], name));
        const res = await t.app.request(`/api/v1/communities/${slug}/files`, { method: 'POST', headers: { cookie, origin: BASE_URL }, body: form });
        assert.equal(res.status, 201, await res.clone().text());
        return ((await res.json()) as { id: string }).id;
      }

      async function postWithFile(cookie: string, text: string) {
        const bytes = Buffer.from(`${text}\n${randomBytes(8).toString('hex')}\n`);
        const fileId = await upload(cookie, `${text}.txt`, bytes);
        const post = await call(t, 'POST', `/api/v1/communities/${slug}/posts`, { cookie, body: { body: text, attachmentId: fileId } });
        assert.equal(post.status, 201, JSON.stringify(post.body));
        return { fileId, postId: post.body.id as string, sha256: sha256(bytes) };
      }

      before(async () => {
        t = await startApp(backend);
        [owner, member] = await activeUsers(t, 'Backup Owner', 'Backup Member');
        const created = await call(t, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: 'Backups', visibility: 'public' } });
        slug = created.body.slug;
        await call(t, 'POST', `/api/v1/communities/${slug}/join`, { cookie: member.cookie });
        const forums = await call(t, 'GET', `/api/v1/communities/${slug}/forums`, { cookie: owner.cookie });
        const topic = await call(t, 'POST', `/api/v1/communities/${slug}/topics`, { cookie: owner.cookie, body: { forumId: forums.body.items[0].id, title: 'Shift handover', body: 'Notes here' } });
        assert.equal(topic.status, 201);
        topicId = topic.body.id;
      });
      after(() => t?.dispose());

      it('backs up online under a write load: every write answered before it is restored, the copy is consistent and its audit log intact', async (ctx) => {
        const acks: Ack[] = [];
        /** Posts and files whose deletion was asked for (answered or not): they may or may not be in the copy. */
        const deleting = new Set<string>();
        let stop = false;
        const worker = async (w: number, user: { cookie: string }) => {
          const mine: { postId: string; fileId: string }[] = [];
          for (let i = 0; !stop; i++) {
            const text = `load ${w}.${i}`;
            const op = i % 5;
            if (op === 0 || (op === 4 && mine.length === 0)) {
              const res = await call(t, 'POST', `/api/v1/communities/${slug}/posts`, { cookie: user.cookie, body: { body: text } });
              assert.equal(res.status, 201, JSON.stringify(res.body));
              acks.push({ kind: 'post', id: res.body.id, body: text, at: performance.now() });
            } else if (op === 1) {
              const p = await postWithFile(user.cookie, text);
              mine.push(p);
              acks.push({ kind: 'upload', id: p.fileId, sha256: p.sha256, postId: p.postId, at: performance.now() });
            } else if (op === 2) {
              const res = await call(t, 'POST', `/api/v1/topics/${topicId}/replies`, { cookie: user.cookie, body: { body: text } });
              assert.equal(res.status, 201, JSON.stringify(res.body));
              acks.push({ kind: 'reply', id: res.body.id, body: text, at: performance.now() });
            } else if (op === 4 && mine.length > 0) {
              // Deletes a post with a file: its row is marked deleted, then its bytes removed.
              const gone = mine.shift()!;
              deleting.add(gone.postId).add(gone.fileId);
              const res = await call(t, 'DELETE', `/api/v1/posts/${gone.postId}`, { cookie: user.cookie });
              assert.equal(res.status, 200);
              acks.push({ kind: 'delete', postId: gone.postId, fileId: gone.fileId, at: performance.now() });
            } else {
              // An upload never attached: a live row with its bytes all the same.
              const bytes = Buffer.from(`${text} unattached ${randomBytes(8).toString('hex')}`);
              const id = await upload(user.cookie, `${text}.txt`, bytes);
              acks.push({ kind: 'upload', id, sha256: sha256(bytes), postId: null, at: performance.now() });
            }
          }
        };
        const load = [worker(1, owner), worker(2, member), worker(3, owner)];
        // A checkpoint now and again, as the server writes them every few minutes.
        const checkpoints = (async () => {
          while (!stop) {
            await t.services.schedule.checkpoint();
            await new Promise((r) => setTimeout(r, 150));
          }
        })();
        const failed = Promise.all([...load, checkpoints]).then(() => null, (err: unknown) => err);
        // Writes of every kind, a deletion among them, answered before the backup starts.
        const ready = () => acks.length >= 15 && acks.some((a) => a.kind === 'delete') && acks.some((a) => a.kind === 'upload' && a.postId === null);
        for (let waited = 0; !ready() && waited < 20_000; waited += 50) await new Promise((r) => setTimeout(r, 50));

        const archive = path.join(mkdtempSync(path.join(tmpdir(), 'jc-backup-')), 'site.tar');
        ctx.after(() => rmSync(path.dirname(archive), { recursive: true, force: true }));
        const started = performance.now();
        const before = acks.filter((a) => a.at < started);
        const run = await runBin('backup.ts', [archive], sourceEnv()).finally(() => setTimeout(() => (stop = true), 200));
        const ended = performance.now();
        assert.equal(await failed, null, 'the write load ran without an error');
        assert.equal(run.code, 0, run.stderr || run.stdout);
        assert.match(run.stdout, /^backup written: /);
        const during = acks.filter((a) => a.at >= started && a.at <= ended);
        assert.ok(before.length >= 10 && during.length > 0, `writes before (${before.length}) and during (${during.length}) the backup`);
        assert.ok(before.some((a) => a.kind === 'delete'), 'a file was deleted before the backup');

        const manifest = await readManifest(archive);
        assert.equal(manifest.dialect, backend.name);
        assert.equal(manifest.files.count, manifest.files.entries.length);
        assert.equal(manifest.fileStore, store);
        // The database store's files are in the database's dump, not beside it.
        if (store === 'database') assert.deepEqual(manifest.files, { count: 0, bytes: 0, entries: [], vanished: [] });

        const target = await freshTarget(backend, t);
        let restored: Awaited<ReturnType<typeof createApp>> | null = null;
        try {
          const restore = await runBin('restore.ts', [archive], target.env);
          assert.equal(restore.code, 0, restore.stderr || restore.stdout);
          assert.match(restore.stdout, /sha256 checked/);
          assert.match(restore.stdout, /migrations: \d+ applied, none pending; auth tables current/);
          assert.match(restore.stdout, /audit log: intact/);
          const verify = await runBin('audit-verify.ts', [], target.env);
          assert.equal(verify.code, 0, verify.stderr || verify.stdout);
          assert.match(verify.stdout, /^intact: /);
          const matched = /(\d+) of (\d+) checkpoints matched/.exec(verify.stdout);
          assert.ok(matched && Number(matched[1]) > 0 && matched[1] === matched[2], `every checkpoint kept matches: ${verify.stdout}`);

          // The restored copy, as the server finds it (its sessions too: the cookies still work).
          restored = await createApp(target.config());
          const db = restored.services.db.kysely;
          const src = t.services.db.kysely;
          const counts: Record<string, number> = {};
          for (const table of MAIN_TABLES) counts[table] = Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);
          for (const table of MAIN_TABLES.filter((x) => x !== 'audit_log' && x !== 'audit_outbox' && x !== 'event')) {
            assert.equal(counts[table], manifest.counts[table], `${table}: as many rows as the manifest counted`);
          }

          // Every write answered before the backup started is there.
          const posts = new Map((await db.selectFrom('post').select(['id', 'body', 'deleted_at']).execute()).map((p) => [p.id, p]));
          const replies = new Map((await db.selectFrom('reply').select(['id', 'body']).execute()).map((r) => [r.id, r]));
          const attachments = new Map((await db.selectFrom('attachment').selectAll().execute()).map((a) => [a.id, a]));
          const files = await keptFiles(target.dir, db, store);
          assert.ok(files.size > 0, 'files are restored');
          for (const a of before) {
            if (a.kind === 'post') assert.equal(posts.get(a.id)?.body, a.body, `post ${a.id}`);
            if (a.kind === 'reply') assert.equal(replies.get(a.id)?.body, a.body, `reply ${a.id}`);
            if (a.kind === 'upload' && !deleting.has(a.id)) {
              const row = attachments.get(a.id);
              assert.ok(row && row.deleted_at === null, `file ${a.id} is restored live`);
              assert.equal(sha256(files.get(row.storage_key) ?? Buffer.alloc(0)), a.sha256, `file ${a.id}: the bytes uploaded`);
              if (a.postId) assert.ok(posts.get(a.postId) && posts.get(a.postId)!.deleted_at === null, `post ${a.postId}`);
            }
            if (a.kind === 'delete') {
              assert.ok(posts.get(a.postId)?.deleted_at, `post ${a.postId} deleted before the backup stays deleted`);
              assert.ok(!attachments.get(a.fileId) || attachments.get(a.fileId)!.deleted_at, `its file ${a.fileId} is not live`);
            }
          }

          // Consistent: every live file row has its bytes, every file its row; nothing the source never had.
          const vanished = new Set(manifest.files.vanished.map((v) => v.id));
          for (const row of attachments.values()) {
            if (row.deleted_at !== null) continue;
            assert.ok(!vanished.has(row.id), 'a vanished file is marked deleted');
            assert.equal(files.get(row.storage_key)?.length, Number(row.size), `live file ${row.id} has its bytes`);
          }
          const keys = new Set([...attachments.values()].map((a) => a.storage_key));
          for (const key of files.keys()) assert.ok(keys.has(key), `${key} belongs to a row`);
          const sourcePosts = new Map((await src.selectFrom('post').select(['id', 'body']).execute()).map((p) => [p.id, p.body]));
          for (const [id, p] of posts) assert.equal(sourcePosts.get(id), p.body, `post ${id} as the source has it`);
          // The audit log is the source's, row for row, up to the snapshot's head.
          const head = manifest.audit.head!.seq;
          const hashes = async (k: typeof db) => (await k.selectFrom('audit_log').select(['seq', 'hash']).where('seq', '<=', head).orderBy('seq').execute()).map((r) => `${r.seq}:${r.hash}`);
          assert.deepEqual(await hashes(db), await hashes(src));

          // The restored server serves it: a file answered before the backup, to the session signed in before it.
          const someFile = before.find((a): a is Extract<Ack, { kind: 'upload' }> => a.kind === 'upload' && a.postId === null)!;
          const download = await restored.app.request(`/api/v1/files/${someFile.id}`, { headers: { cookie: owner.cookie, origin: BASE_URL } });
          assert.equal(download.status, 200);
          assert.equal(sha256(new Uint8Array(await download.arrayBuffer())), someFile.sha256);
          const feed = await call(restored, 'GET', `/api/v1/communities/${slug}/posts`, { cookie: member.cookie });
          assert.equal(feed.status, 200);

          // A second restore into the now filled target is refused, and changes nothing (the CLI's side of it, once:
          // what each dialect finds in a target that is not empty is tested below).
          if (backend.name === 'sqlite') {
            await restored.close();
            restored = null;
            const again = await runBin('restore.ts', [archive], target.env);
            assert.equal(again.code, 1);
            assert.match(again.stderr, /restore failed: refused: a backup is restored into an empty database and data folder only/);
            assert.equal(storedFiles(target.dir).size, files.size);
          }
        } finally {
          await restored?.close();
          await target.drop();
        }
      });

      it('takes a file deleted right after the snapshot from its hold; without the hold reports it vanished, and the restore marks it deleted (the database store: the snapshot has it)', async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'jc-backup-'));
        const target = await freshTarget(backend, t);
        try {
          const kept = await postWithFile(owner.cookie, 'deleted after the snapshot, held');
          // A file of several of the database store's chunks, kept: its bytes survive backup and restore whole.
          const big = Buffer.from(`${'Shift log, north gate: all clear.\n'.repeat(22_000)}${randomBytes(8).toString('hex')}\n`);
          const bigId = await upload(owner.cookie, 'shift-log.txt', big);
          const deleteAfterSnapshot = (postId: string) => async () => {
            assert.equal((await call(t, 'DELETE', `/api/v1/posts/${postId}`, { cookie: owner.cookie })).status, 200);
          };
          const held = await takeBackup(sourceConfig(), path.join(dir, 'held.tar'), { afterSnapshot: deleteAfterSnapshot(kept.postId) });
          assert.deepEqual(held.manifest.files.vanished, []);
          if (store === 'disk') assert.equal(held.manifest.files.entries.find((e) => e.key.endsWith(kept.fileId))?.sha256, kept.sha256, 'the held bytes are in the archive');
          else assert.deepEqual(held.manifest.files.entries, [], 'the chunks are in the database part');

          const lost = await postWithFile(owner.cookie, 'deleted after the snapshot, not held');
          const unheld = await takeBackup(sourceConfig(), path.join(dir, 'unheld.tar'), { hold: false, afterSnapshot: deleteAfterSnapshot(lost.postId) });
          assert.deepEqual(
            unheld.manifest.files.vanished.map((v) => v.id),
            store === 'disk' ? [lost.fileId] : [],
          );
          assert.ok(!unheld.manifest.files.entries.some((e) => e.key.endsWith(lost.fileId)));

          const result = await restoreBackup(target.config(), path.join(dir, 'unheld.tar'));
          assert.equal(result.audit.broken, null);
          const db = openDatabase(target.config().database, target.config().audit.key);
          try {
            const row = await db.kysely.selectFrom('attachment').select('deleted_at').where('id', '=', lost.fileId).executeTakeFirstOrThrow();
            if (store === 'disk') assert.ok(row.deleted_at, 'the vanished file is deleted in the restored copy');
            const live = await db.kysely.selectFrom('attachment').select(['storage_key', 'size']).where('deleted_at', 'is', null).execute();
            const files = await keptFiles(target.dir, db.kysely, store);
            for (const f of live) assert.equal(files.get(f.storage_key)?.length, Number(f.size));
            const bigKey = live.find((f) => f.storage_key.endsWith(bigId))!.storage_key;
            assert.equal(sha256(files.get(bigKey) ?? Buffer.alloc(0)), sha256(big), 'a file of several chunks, byte for byte');
            if (store === 'database') {
              const chunks = await db.kysely.selectFrom('file_chunk').select('seq').where('storage_key', '=', bigKey).execute();
              assert.ok(chunks.length >= 3, `in ${chunks.length} chunks`);
              // Deleted after the snapshot: the snapshot has it live, and its chunks with it.
              assert.equal(row.deleted_at, null, 'the file deleted after the snapshot is live in it');
              assert.equal(sha256(files.get(live.find((f) => f.storage_key.endsWith(lost.fileId))!.storage_key)!), lost.sha256, 'with its bytes');
            }
          } finally {
            await db.close();
          }
        } finally {
          await target.drop();
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it('restores nothing into a target that is not empty, from a damaged archive, or with other secrets', async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'jc-backup-'));
        const archive = path.join(dir, 'site.tar');
        await takeBackup(sourceConfig(), archive);
        const refused = async (config: ServerConfig, file: string, pattern: RegExp) => {
          await assert.rejects(restoreBackup(config, file), (err: Error) => err instanceof BackupError && pattern.test(err.message));
        };
        const isEmpty = async (config: ServerConfig) => (await targetContents(config)).length === 0;
        const target = await freshTarget(backend, t);
        try {
          // A file in the data folder: refused, and the database is left empty.
          mkdirSync(path.join(target.dir, 'files', 'leftover'), { recursive: true });
          writeFileSync(path.join(target.dir, 'files', 'leftover', 'f'), 'x');
          await refused(target.config(), archive, /empty database and data folder only.*1 files under/);
          assert.deepEqual(await targetContents(target.config()), [`1 files under ${path.join(target.dir, 'files')}`], 'the database is left empty');
          rmSync(path.join(target.dir, 'files'), { recursive: true });

          // One byte changed in one part (a file's, or with the database store the database's, which holds them): refused before anything is written.
          const damaged = path.join(dir, 'damaged.tar');
          const bytes = readFileSync(archive);
          // The database part's data starts after its 512-byte tar header, which starts with its name.
          const at = store === 'disk' ? bytes.lastIndexOf(Buffer.from('load ')) : bytes.indexOf(Buffer.from('database/postgres.dump\0')) + 512 + 1000;
          assert.ok(at > 1000);
          bytes[at] = bytes[at]! ^ 0xff;
          writeFileSync(damaged, bytes);
          await refused(target.config(), damaged, store === 'disk' ? /damaged: files\/.* does not match its sha256/ : /damaged: database\/postgres\.dump does not match its sha256/);
          assert.ok(await isEmpty(target.config()));
          assert.equal(storedFiles(target.dir).size, 0);
          // Cut short: refused too.
          const cut = path.join(dir, 'cut.tar');
          writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
          await refused(target.config(), cut, /incomplete|damaged|cannot read/);
          await refused(target.config(), path.join(serverDir, 'package.json'), /not a tar archive|not start with manifest/);

          // Another audit key or auth secret: refused (the log could not be verified, the sign-in secrets not decrypted).
          await refused(loadConfig({ ...target.env, JC_AUDIT_KEY: 'k'.repeat(40) }), archive, /audit key configured .* is not the one the backup was taken with/);
          await refused(loadConfig({ ...target.env, JC_AUTH_SECRET: 's'.repeat(40) }), archive, /auth secret configured is not the one/);
          // Another file store: refused (its files would not be where the server looks).
          const other = store === 'disk' ? 'database' : 'disk';
          await refused(loadConfig({ ...target.env, JC_FILE_STORE: other }), archive, new RegExp(`files were kept in the ${store} file store; the configuration \\(JC_FILE_STORE\\) selects ${other}`));
          assert.ok(await isEmpty(target.config()));

          // And the right one restores.
          const ok = await restoreBackup(target.config(), archive);
          assert.equal(ok.audit.broken, null);
          await refused(target.config(), archive, /empty database and data folder only/);
        } finally {
          await target.drop();
          rmSync(dir, { recursive: true, force: true });
        }
      });

      if (backend.name === 'postgres') {
        it('hands pg_dump and pg_restore the password through PGPASSWORD only, and never prints it', async () => {
          // The test server's own password if its URL has one (npm test's throw-away cluster checks it); else a made-up
          // one, which a server that trusts local connections (the machine's, in development) ignores.
          const password = decodeURIComponent(new URL(t.databaseUrl).password) || `pw-${randomBytes(6).toString('hex')}`;
          const withPassword = (url: string) => {
            const u = new URL(url);
            u.password = password;
            return u.toString();
          };
          const conn = pgConnection(withPassword(t.databaseUrl));
          assert.ok(!conn.dbname.includes(password) && !conn.safe.includes(password));
          assert.equal(conn.env.PGPASSWORD, password);

          // Wrappers that record what they were given, then run the real tool.
          const dir = mkdtempSync(path.join(tmpdir(), 'jc-backup-'));
          const bin = path.join(dir, 'bin');
          mkdirSync(bin);
          for (const tool of ['pg_dump', 'pg_restore']) {
            const real = ['/usr/bin', ...(process.env.PATH ?? '').split(':')].map((d) => path.join(d, tool)).find((f) => existsSync(f))!;
            writeFileSync(path.join(bin, tool), `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/${tool}.args"\nprintf '%s' "$PGPASSWORD" > "${dir}/${tool}.env"\nexec "${real}" "$@"\n`);
            chmodSync(path.join(bin, tool), 0o755);
          }
          const target = await freshTarget(backend, t);
          try {
            const archive = path.join(dir, 'site.tar');
            const run = await runBin('backup.ts', [archive], { ...sourceEnv(), JC_DATABASE_URL: withPassword(t.databaseUrl), JC_PG_BIN_DIR: bin });
            assert.equal(run.code, 0, run.stderr);
            const restored = await restoreBackup(loadConfig({ ...target.env, JC_DATABASE_URL: withPassword(target.env.JC_DATABASE_URL) }), archive, { pgBinDir: bin });
            assert.equal(restored.audit.broken, null);
            for (const tool of ['pg_dump', 'pg_restore']) {
              assert.ok(!readFileSync(path.join(dir, `${tool}.args`), 'utf8').includes(password), `${tool}'s command line has no password`);
              assert.equal(readFileSync(path.join(dir, `${tool}.env`), 'utf8'), password, `${tool} had it in PGPASSWORD`);
            }
            for (const out of [run.stdout, run.stderr]) assert.ok(!out.includes(password), 'no password in the output');
            assert.ok(!readFileSync(archive).includes(password), 'nor in the archive');

            // A tool that fails, saying the password: its message is passed on masked.
            writeFileSync(path.join(bin, 'pg_dump'), `#!/bin/sh\necho "could not connect with $PGPASSWORD" >&2\nexit 1\n`);
            const config = loadConfig({ ...sourceEnv(), JC_DATABASE_URL: withPassword(t.databaseUrl) }, { createAuditKey: false });
            await assert.rejects(takeBackup(config, path.join(dir, 'failed.tar'), { pgBinDir: bin }), (err: Error) => {
              assert.match(err.message, /^pg_dump failed \(exit code 1\) on postgres:\/\/postgres@[^:]+:\d+\/\w+:\ncould not connect with \*\*\*$/);
              return err instanceof BackupError && !err.message.includes(password);
            });
            assert.ok(!existsSync(path.join(dir, 'failed.tar')), 'no archive is left from a failed backup');
            assert.deepEqual(
              readdirSync(dir).filter((f) => f.startsWith('.jc-backup-')),
              [],
              'nor its work folder',
            );
          } finally {
            await target.drop();
            rmSync(dir, { recursive: true, force: true });
          }
        });
      }

      it('refuses a missing archive name, an existing file, and leaves no hold behind', async () => {
        if (backend.name === 'sqlite') {
          const usage = await runBin('backup.ts', [], sourceEnv());
          assert.equal(usage.code, 2);
          assert.match(usage.stderr, /Usage: npm run backup -- <file>/);
        }
        const dir = mkdtempSync(path.join(tmpdir(), 'jc-backup-'));
        try {
          const existing = path.join(dir, 'exists.tar');
          writeFileSync(existing, 'keep me');
          await assert.rejects(takeBackup(sourceConfig(), existing), /already exists/);
          assert.equal(readFileSync(existing, 'utf8'), 'keep me');
          const filesDir = path.join(t.dir, 'files');
          const holds = existsSync(filesDir) ? readdirSync(filesDir).filter((f) => f.startsWith('.backup-')) : [];
          assert.deepEqual(holds, [], 'no hold folder is left in the data folder');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    });
  }
});
