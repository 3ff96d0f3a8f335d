import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config.ts';
import type { Db } from '../src/db/database.ts';
import { CHUNK_BYTES } from '../src/data/stores/database-store.ts';
import { currentCode, enrolWithSecret } from '../src/totp.ts';
import { BASE_URL, backends, PASSWORD, TEST_ORI, testSecret, uniqueEmail } from './helpers.ts';
import * as files from './support/files.ts';
import { request, SECRET, signIn, twoProcesses, type ServerProcess, type TwoProcesses } from './support/processes.ts';
import { startS3StandIn, type S3StandIn } from './support/s3-stand-in.ts';

/*
 * Issue 26: files where every replica reads them. Two real server processes
 * (src/main.ts) on one database, each with its own data folder and nothing
 * shared on disk: a file uploaded through one downloads byte for byte through
 * the other, from the database store (the default on PostgreSQL: chunks in
 * file_chunk) or the S3 store (against s3rver, test/support/s3-stand-in.ts);
 * deleting its post removes it for both and from the store; and an upload
 * refused (its type, the quota) leaves nothing in the store.
 */

const AUDIT_KEY = 'file-stores-test-audit-key-file-stores-test';
/** Room for one file of 7 MB (or of nearly 10), not two. */
const QUOTA = 12 * 1024 * 1024;
const BIG = 7 * 1024 * 1024;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A PDF (as file-type reads one: its header) of `size` bytes, mostly random, so it spans many chunks. */
function bigPdf(size: number): Buffer {
  const head = Buffer.from('%PDF-1.4\n%');
  const tail = Buffer.from('\n%%EOF\n');
  return Buffer.concat([head, randomBytes(size - head.length - tail.length), tail]);
}

/** A multipart body with the one file, whose last bytes are sent only after `holdMs` (so two uploads are both under way). */
function heldUpload(name: string, bytes: Uint8Array, holdMs: number) {
  const boundary = `----jc${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const body = Buffer.concat([head, bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const cut = body.length - 1024;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(body.subarray(0, cut));
      await sleep(holdMs);
      controller.enqueue(body.subarray(cut));
      controller.close();
    },
  });
  // No content-length (a streamed body): the early quota check cannot refuse it, so both reach the quota's lock.
  return { body: stream, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** What the store holds, as the test can see it without the server: the database's chunks or the bucket's objects. */
interface StoreProbe {
  name: 'database' | 's3';
  env(): Record<string, string>;
  /** Storage keys with bytes in the store, sorted. */
  keys(db: Db): Promise<string[]>;
  /** How many pieces one key is kept in (chunks; 1 for an object). */
  pieces(db: Db, key: string): Promise<number>;
}

const databaseProbe: StoreProbe = {
  name: 'database',
  env: () => ({ JC_FILE_STORE: 'database' }),
  keys: async (db) => (await db.kysely.selectFrom('file_chunk').select('storage_key').distinct().orderBy('storage_key').execute()).map((r) => r.storage_key),
  pieces: async (db, key) => (await db.kysely.selectFrom('file_chunk').select('seq').where('storage_key', '=', key).execute()).length,
};

function s3Probe(s3: () => S3StandIn): StoreProbe {
  return {
    name: 's3',
    env: () => s3().env,
    keys: () => s3().keys(),
    pieces: async (_db, key) => ((await s3().keys()).includes(key) ? 1 : 0),
  };
}

describe('JC_FILE_STORE and the S3 settings', () => {
  const env = { JC_DATA_DIR: path.join(tmpdir(), 'jc-stores-config'), JC_AUTH_SECRET: SECRET, JC_AUDIT_KEY: AUDIT_KEY };
  const s3 = { ...env, JC_FILE_STORE: 's3', JC_S3_BUCKET: 'jc-files' };

  it('defaults to the database on PostgreSQL and the data folder on SQLite', () => {
    assert.deepEqual(loadConfig(env).files, { store: 'disk' });
    assert.deepEqual(loadConfig({ ...env, JC_DATABASE_URL: 'postgres://jc@db.example.test/jc' }).files, { store: 'database' });
    assert.deepEqual(loadConfig({ ...env, JC_DATABASE_URL: 'postgres://jc@db.example.test/jc', JC_FILE_STORE: 'disk' }).files, { store: 'disk' });
  });

  it('takes the S3 settings through the schema: a bucket required, both keys or neither, the secret in no message', () => {
    assert.deepEqual(loadConfig({ ...s3, JC_S3_ENDPOINT: 'http://127.0.0.1:9000', JC_S3_FORCE_PATH_STYLE: 'true', JC_S3_ACCESS_KEY_ID: 'id', JC_S3_SECRET_ACCESS_KEY: 'top-secret' }).files, {
      store: 's3',
      s3: { bucket: 'jc-files', region: 'us-east-1', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, credentials: { accessKeyId: 'id', secretAccessKey: 'top-secret' } },
    });
    assert.equal((loadConfig(s3).files as { s3: { credentials: unknown } }).s3.credentials, null, "neither: the SDK's own chain");
    assert.throws(() => loadConfig({ ...env, JC_FILE_STORE: 's3' }), (err: Error) => err instanceof ConfigError && /needs JC_S3_BUCKET/.test(err.message));
    assert.throws(
      () => loadConfig({ ...s3, JC_S3_SECRET_ACCESS_KEY: 'top-secret' }),
      (err: Error) => err instanceof ConfigError && /go together/.test(err.message) && !err.message.includes('top-secret'),
    );
    assert.throws(() => loadConfig({ ...s3, JC_S3_ENDPOINT: 'not a url' }), /JC_S3_ENDPOINT/);
    assert.throws(() => loadConfig({ ...env, JC_FILE_STORE: 'nfs' }), /JC_FILE_STORE/);
  });
});

let standIn: S3StandIn;
before(async () => {
  standIn = await startS3StandIn();
});
after(() => standIn?.close());

for (const backend of backends()) {
  for (const probe of [databaseProbe, s3Probe(() => standIn)]) {
    describe(`files where every replica reads them: the ${probe.name} store, two processes with no shared folder (${backend.name})`, () => {
      let r: TwoProcesses;
      let address = 0;
      const from = () => ({ 'x-forwarded-for': `198.51.100.${++address}` });

      async function member(on: ServerProcess, name: string) {
        const email = uniqueEmail('stores');
        const headers = from();
        const up = await request(on, 'POST', '/api/auth/sign-up/email', { body: { name, email, password: PASSWORD, agencyOri: TEST_ORI }, headers });
        assert.equal(up.status, 200, JSON.stringify(up.body));
        const { id } = await r.db.kysely.selectFrom('user').select('id').where('email', '=', email).executeTakeFirstOrThrow();
        await enrolWithSecret(r.db.kysely, SECRET, id, testSecret(email));
        await r.db.kysely.updateTable('profile').set({ status: 'active', opted_in: 1 }).where('user_id', '=', id).execute();
        return { id, cookie: await signIn(on, on, email, await currentCode(testSecret(email)), headers) };
      }

      let owner: { id: string; cookie: string };
      let reader: { id: string; cookie: string };
      let slug: string;

      before(async () => {
        if (probe.name === 's3') await standIn.clear();
        // Two processes on one database, each with its own data folder: nothing shared on disk.
        r = await twoProcesses(backend, { JC_TRUST_PROXY: 'true', JC_AUDIT_KEY: AUDIT_KEY, JC_UPLOAD_QUOTA_BYTES: String(QUOTA), ...probe.env() }, 'jc-stores-', { ownDataDirs: true });
        owner = await member(r.a, 'Store Owner');
        reader = await member(r.b, 'Store Reader');
        const community = await request(r.a, 'POST', '/api/v1/communities', { cookie: owner.cookie, body: { name: `Stores ${probe.name} ${backend.name} ${Date.now()}`, visibility: 'public' } });
        assert.equal(community.status, 201, JSON.stringify(community.body));
        slug = community.body.slug;
        assert.equal((await request(r.b, 'POST', `/api/v1/communities/${slug}/join`, { cookie: reader.cookie })).status, 200);
      });
      after(async () => {
        await r?.dispose();
      });

      const upload = async (on: ServerProcess, cookie: string, name: string, bytes: Uint8Array) => {
        const form = new FormData();
        form.append('file', new File([bytes], name));
        // One connection an upload: a refusal answered before the body is read leaves its connection unusable for the next request.
        const res = await fetch(`${on.base}/api/v1/communities/${slug}/files`, { method: 'POST', headers: { origin: BASE_URL, cookie, connection: 'close' }, body: form });
        return { status: res.status, body: (await res.json()) as any };
      };
      /** Nothing of any file on either process's disk: only the (empty) folder uploads are received in. */
      const nothingOnDisk = () => {
        for (const dir of r.dataDirs) {
          const filesDir = path.join(dir, 'files');
          const names = existsSync(filesDir) ? readdirSync(filesDir) : [];
          assert.deepEqual(names.filter((n) => n !== '.incoming'), [], `no file bytes under ${filesDir}`);
          if (names.includes('.incoming')) assert.deepEqual(readdirSync(path.join(filesDir, '.incoming')), [], 'no upload left half received');
        }
      };

      it('a 3 MB file uploaded through A downloads byte for byte through B; deleting its post removes it for both and from the store', async () => {
        const bytes = bigPdf(3 * 1024 * 1024);
        const up = await upload(r.a, owner.cookie, 'brief.pdf', bytes);
        assert.equal(up.status, 201, JSON.stringify(up.body));
        assert.equal(up.body.contentType, 'application/pdf');
        const post = await request(r.a, 'POST', `/api/v1/communities/${slug}/posts`, { cookie: owner.cookie, body: { body: 'Brief attached', attachmentId: up.body.id } });
        assert.equal(post.status, 201, JSON.stringify(post.body));
        const { storage_key: key } = await r.db.kysely.selectFrom('attachment').select('storage_key').where('id', '=', up.body.id).executeTakeFirstOrThrow();
        assert.deepEqual(await probe.keys(r.db), [key], 'the store holds the file');
        if (probe.name === 'database') assert.equal(await probe.pieces(r.db, key), Math.ceil(bytes.length / CHUNK_BYTES), `in ${CHUNK_BYTES / 1024} KB chunks`);
        nothingOnDisk();

        for (const [on, who] of [[r.b, reader], [r.a, owner]] as const) {
          const res = await fetch(on.base + up.body.url, { headers: { cookie: who.cookie } });
          assert.equal(res.status, 200);
          assert.equal(res.headers.get('content-length'), String(bytes.length));
          assert.equal(res.headers.get('content-type'), 'application/pdf');
          assert.equal(sha256(new Uint8Array(await res.arrayBuffer())), sha256(bytes), `byte for byte through ${on === r.b ? 'B' : 'A'}`);
        }

        assert.equal((await request(r.b, 'DELETE', `/api/v1/posts/${post.body.id}`, { cookie: owner.cookie })).status, 200, 'deleted through B');
        for (const [on, who] of [[r.a, owner], [r.b, reader]] as const) {
          assert.equal((await fetch(on.base + up.body.url, { headers: { cookie: who.cookie } })).status, 404, 'gone through both');
        }
        assert.deepEqual(await probe.keys(r.db), [], 'its bytes are gone from the store');
        assert.equal(await r.db.kysely.selectFrom('attachment').select('id').where('id', '=', up.body.id).executeTakeFirst(), undefined, 'and its row');
      });

      it('30 downloads at once of a 9.5 MB file stream out of the store: the process never holds them whole', async (t) => {
        const bytes = bigPdf(9.5 * 1024 * 1024);
        const up = await upload(r.a, owner.cookie, 'large.pdf', bytes);
        assert.equal(up.status, 201, JSON.stringify(up.body));
        const post = await request(r.a, 'POST', `/api/v1/communities/${slug}/posts`, { cookie: owner.cookie, body: { body: 'Large file', attachmentId: up.body.id } });
        assert.equal(post.status, 201);
        const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${r.b.child.pid}/status`, 'utf8'))?.[1] ?? 0);
        const before = rss();
        let peak = before;
        const sampler = setInterval(() => (peak = Math.max(peak, rss())), 5);
        // Each read as it arrives and hashed, so the test process does not hold them either.
        const download = async () => {
          const res = await fetch(r.b.base + up.body.url, { headers: { cookie: reader.cookie } });
          assert.equal(res.status, 200);
          const hash = createHash('sha256');
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
          return hash.digest('hex');
        };
        const hashes = await Promise.all(Array.from({ length: 30 }, download)).finally(() => clearInterval(sampler));
        assert.deepEqual(new Set(hashes), new Set([sha256(bytes)]), 'each byte for byte');
        const grew = Math.round((peak - before) / 1024);
        t.diagnostic(`process B's RSS: ${Math.round(before / 1024)} MB before, ${Math.round(peak / 1024)} MB at most (+${grew} MB); the files whole would be ${Math.round((30 * bytes.length) / 1024 / 1024)} MB`);
        // Whole, they would be 285 MB (twice that as the download was written before: the file read, then copied). Streamed,
        // what grows is mostly garbage not yet collected (PostgreSQL sends each chunk as hex text): 35-100 MB measured.
        assert.ok(grew < 200, `B's memory grew by ${grew} MB for 30 downloads of ${Math.round(bytes.length / 1024 / 1024)} MB`);
        assert.equal((await request(r.a, 'DELETE', `/api/v1/posts/${post.body.id}`, { cookie: owner.cookie })).status, 200);
        assert.deepEqual(await probe.keys(r.db), []);
      });

      it('an upload refused for its type leaves nothing in the store', async () => {
        // Refused on its first bytes (text called a PDF), and refused only once whole (a ZIP called a Word file).
        const early = await upload(r.a, owner.cookie, 'fake.pdf', files.text('not a pdf\n'.repeat(60_000)));
        assert.equal(early.status, 415, JSON.stringify(early.body));
        const late = await upload(r.b, owner.cookie, 'fake.docx', files.zip({ 'notes.txt': 'x'.repeat(600_000) }));
        assert.equal(late.status, 415, JSON.stringify(late.body));
        assert.deepEqual(await probe.keys(r.db), []);
        nothingOnDisk();
      });

      it('of two uploads at once that do not both fit the quota, the one refused (413) leaves nothing in the store', async () => {
        const files2 = [bigPdf(BIG), bigPdf(BIG)];
        // Both pass the early check (nothing used yet) and are received whole; the quota's lock then lets one in.
        const answers = await Promise.all(
          [r.a, r.b].map(async (on, i) => {
            const { body, headers } = heldUpload(`part-${i}.pdf`, files2[i]!, 1500);
            const res = await fetch(`${on.base}/api/v1/communities/${slug}/files`, { method: 'POST', headers: { origin: BASE_URL, cookie: owner.cookie, connection: 'close', ...headers }, body, duplex: 'half' } as RequestInit).catch((err: Error) => {
              throw new Error(`upload through ${i === 0 ? 'A' : 'B'}: ${String(err.cause ?? err)}`, { cause: err });
            });
            return { status: res.status, body: (await res.json()) as any };
          }),
        );
        assert.deepEqual(answers.map((a) => a.status).sort(), [201, 413], JSON.stringify(answers.map((a) => a.body)));
        const refused = answers.find((a) => a.status === 413)!;
        assert.equal(refused.body.error.code, 'UPLOAD_QUOTA_EXCEEDED');
        const kept = answers.find((a) => a.status === 201)!;
        const { storage_key: key } = await r.db.kysely.selectFrom('attachment').select('storage_key').where('id', '=', kept.body.id).executeTakeFirstOrThrow();
        assert.deepEqual(await probe.keys(r.db), [key], 'only the accepted file is in the store');
        if (probe.name === 'database') assert.equal(await probe.pieces(r.db, key), Math.ceil(BIG / CHUNK_BYTES));
        nothingOnDisk();
        // A later one, received whole (it declares no length), is refused at the quota's lock alone: nothing in the store either.
        const { body, headers } = heldUpload('more.pdf', bigPdf(BIG), 0);
        const over = await fetch(`${r.b.base}/api/v1/communities/${slug}/files`, { method: 'POST', headers: { origin: BASE_URL, cookie: owner.cookie, connection: 'close', ...headers }, body, duplex: 'half' } as RequestInit);
        assert.equal(over.status, 413);
        assert.deepEqual(await probe.keys(r.db), [key]);
        nothingOnDisk();
      });

      it('never prints the S3 secret', { skip: probe.name !== 's3' }, () => {
        for (const server of [r.a, r.b]) assert.ok(!server.output().includes(standIn.env.JC_S3_SECRET_ACCESS_KEY!), 'not in its output');
      });
    });
  }
}
