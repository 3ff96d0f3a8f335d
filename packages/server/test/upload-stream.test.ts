import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../src/db/database.ts';
import { FILE_LIMIT_BYTES } from '../src/data/files.ts';
import { activeUser, addMember, backends, BASE_URL, makeCommunity, suiteApp, TEST_ORI, type Backend, type TestApp } from './helpers.ts';
import { signedInAccount, startServer, type ServerProcess } from './support/server-process.ts';

/*
 * Issue 19, finding 9: uploads stream to storage. The body is parsed as it
 * arrives and written to a temporary file with a running size and type check,
 * never held whole in memory; uploads in flight are bounded per user and per
 * process.
 */

const SECRET = 'upload-stream-test-secret-upload-stream-test';
const BOUNDARY = 'jc-test-boundary-7d1f';
const encoder = new TextEncoder();

/** A multipart body for one file, streamed: its head, then `size` bytes of text in chunks, held back until `release` resolves if given. */
function multipart(name: string, size: number, o: { release?: Promise<void>; pulled?: { bytes: number } } = {}): ReadableStream<Uint8Array> {
  const head = encoder.encode(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = encoder.encode(`\r\n--${BOUNDARY}--\r\n`);
  const line = encoder.encode('Unit 12 back in service at the north gate, all clear.\n'.padEnd(64, '.').slice(0, 63) + '\n');
  const chunk = new Uint8Array(64 * 1024);
  for (let i = 0; i < chunk.length; i += line.length) chunk.set(line.subarray(0, Math.min(line.length, chunk.length - i)), i);
  let sent = 0;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(head);
        return;
      }
      if (sent === 0 && o.release) await o.release;
      if (sent >= size) {
        controller.enqueue(tail);
        controller.close();
        return;
      }
      const n = Math.min(chunk.length, size - sent);
      sent += n;
      if (o.pulled) o.pulled.bytes = sent;
      controller.enqueue(chunk.subarray(0, n));
    },
  });
}

const headers = (cookie: string) => ({ cookie, origin: BASE_URL, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` });

function kib(status: string, field: 'VmRSS' | 'VmHWM'): number {
  const m = status.match(new RegExp(`${field}:\\s+(\\d+) kB`));
  return m ? Number(m[1]) : 0;
}

for (const backend of backends()) {
  describe(`uploads stream to storage (${backend.name})`, () => {
    let dir: string;
    let database: Awaited<ReturnType<Backend['create']>>;
    let server: ServerProcess;
    let db: Db;

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'jc-uploads-'));
      database = await backend.create(dir);
      server = await startServer({
        JC_DATABASE_URL: database.url,
        JC_DATA_DIR: dir,
        JC_AUTH_SECRET: SECRET,
        JC_SEED: 'none',
        JC_WRITE_RATE_PER_MINUTE: '100000',
        JC_UPLOADS_PER_USER: '30',
        JC_UPLOADS_PER_PROCESS: '30',
        JC_UPLOAD_QUOTA_BYTES: String(1024 * 1024 * 1024),
      });
      db = openDatabase({ kind: backend.name, url: database.url });
      await db.kysely.insertInto('agency').values({ id: 'agency-test', name: 'Test Agency', ori: TEST_ORI, created_at: new Date().toISOString() }).execute();
    });

    after(async () => {
      await server?.stop();
      await db?.close();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('30 concurrent 10 MB uploads keep the server process under 300 MB of memory', async (t) => {
      const user = await signedInAccount(server, db, SECRET, 'Heavy Uploader');
      const { slug, id } = await makeCommunity({ services: { db } } as unknown as TestApp, { visibility: 'public', createdBy: user.id });
      await addMember({ services: { db } } as unknown as TestApp, id, user.id, 'owner');
      const send = (name: string, size: number) =>
        fetch(`${server.base}/api/v1/communities/${slug}/files`, { method: 'POST', headers: headers(user.cookie), body: multipart(name, size), duplex: 'half' } as RequestInit).then(async (r) => ({ status: r.status, body: await r.json() }));
      const warm = await send('warm-up.txt', 1000);
      assert.equal(warm.status, 201, JSON.stringify(warm.body));
      const status = () => readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
      const before = kib(status(), 'VmRSS');
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, kib(status(), 'VmRSS'))), 10);
      const size = FILE_LIMIT_BYTES - 1024;
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => send(`report-${i}.txt`, size))).finally(() => clearInterval(sampler));
      const hwm = kib(status(), 'VmHWM');
      t.diagnostic(`server RSS: before ${Math.round(before / 1024)} MB, peak ${Math.round(peak / 1024)} MB, high-water ${Math.round(hwm / 1024)} MB`);
      assert.deepEqual(answers.map((a) => a.status), Array(30).fill(201), JSON.stringify(answers.find((a) => a.status !== 201)?.body));
      assert.ok(answers.every((a) => (a.body as { size: number }).size === size));
      const mb = (k: number) => Math.round(k / 1024);
      assert.ok(Math.max(peak, hwm) < 300 * 1024, `peak ${mb(peak)} MB (high-water ${mb(hwm)} MB, before ${mb(before)} MB)`);
    });
  });

  describe(`uploads in flight are bounded (${backend.name})`, () => {
    const t = suiteApp(backend, { JC_UPLOADS_PER_USER: '2', JC_UPLOADS_PER_PROCESS: '3' });

    const upload = (cookie: string, slug: string, name: string, size: number, o: Parameters<typeof multipart>[2] = {}) =>
      Promise.resolve(t.app.request(`/api/v1/communities/${slug}/files`, { method: 'POST', headers: headers(cookie), body: multipart(name, size, o), duplex: 'half' } as RequestInit)).then(async (r: Response) => ({ status: r.status, headers: r.headers, body: (await r.json()) as any }));

    it('two per user (429), three per process (503 with Retry-After); a slot comes back when its upload ends', async () => {
      const a = await activeUser(t, 'Uploader A');
      const b = await activeUser(t, 'Uploader B');
      const c = await activeUser(t, 'Uploader C');
      const { slug, id } = await makeCommunity(t, { visibility: 'public', createdBy: a.userId });
      for (const u of [a, b, c]) await addMember(t, id, u.userId, u === a ? 'owner' : 'member');
      let go!: () => void;
      const release = new Promise<void>((resolve) => (go = resolve));
      const pulled = [{ bytes: 0 }, { bytes: 0 }, { bytes: 0 }];
      const held = [upload(a.cookie, slug, 'a1.txt', 100_000, { release, pulled: pulled[0] }), upload(a.cookie, slug, 'a2.txt', 100_000, { release, pulled: pulled[1] }), upload(b.cookie, slug, 'b1.txt', 100_000, { release, pulled: pulled[2] })];
      // Each held upload is in flight once the server has started reading it.
      const incoming = path.join(t.services.config.dataDir, 'files', '.incoming');
      const { readdirSync, existsSync } = await import('node:fs');
      for (let i = 0; i < 500 && !(existsSync(incoming) && readdirSync(incoming).length === 3); i++) await new Promise((r) => setTimeout(r, 5));
      const third = await upload(a.cookie, slug, 'a3.txt', 1000);
      assert.equal(third.status, 429);
      assert.equal(third.body.error.code, 'TOO_MANY_UPLOADS');
      const busy = await upload(c.cookie, slug, 'c1.txt', 1000);
      assert.equal(busy.status, 503);
      assert.equal(busy.body.error.code, 'UPLOADS_BUSY');
      assert.ok(Number(busy.headers.get('retry-after')) > 0);
      go();
      assert.deepEqual((await Promise.all(held)).map((r: { status: number }) => r.status), [201, 201, 201]);
      assert.equal((await upload(a.cookie, slug, 'a3.txt', 1000)).status, 201, 'the slots came back');
      assert.equal((await upload(c.cookie, slug, 'c1.txt', 1000)).status, 201);
    });

    it('answers 413 as soon as a streamed body (no Content-Length) passes the limit, without reading the rest', async () => {
      const a = await activeUser(t, 'Oversized Sender');
      const { slug, id } = await makeCommunity(t, { visibility: 'public', createdBy: a.userId });
      await addMember(t, id, a.userId, 'owner');
      const pulled = { bytes: 0 };
      const res = await upload(a.cookie, slug, 'huge.txt', 1024 * 1024 * 1024, { pulled });
      assert.equal(res.status, 413);
      assert.equal(res.body.error.code, 'FILE_TOO_LARGE');
      assert.ok(pulled.bytes < FILE_LIMIT_BYTES + 4 * 1024 * 1024, `read ${pulled.bytes} bytes of a 1 GB body`);
      const { readdirSync } = await import('node:fs');
      assert.deepEqual(readdirSync(path.join(t.services.config.dataDir, 'files', '.incoming')), [], 'nothing of it is left');
    });
  });
}
