/**
 * Delivery, on a real server over HTTP (bytes as a browser gets them, no
 * client decoding anything for us): the widget bundle and the demo pages sent
 * as the brotli or gzip copy the build wrote (scripts/precompress.mjs), chosen
 * by Accept-Encoding, else as they are; hashed chunks immutable for a year,
 * entries and pages revalidated by ETag (304); the bundle still loadable from
 * any site; API JSON of 1 KB or more compressed, the live-event stream never.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serve, type ServerType } from '@hono/node-server';
import { once } from 'node:events';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { precompressDir } from '../../../scripts/precompress.mjs';
import { createApp, type JusticeConnectApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { acceptedCodings } from '../src/http/compress.ts';
import { hashedUnder } from '../src/http/static-files.ts';
import { activeUser, backends, BASE_URL, makeCommunity, startApp, type TestApp } from './helpers.ts';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as it came over the wire. */
  body: Buffer;
}

/** A GET (or HEAD) over HTTP with node:http, which decodes nothing. */
function get(origin: string, pathname: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(origin + pathname, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const decode = (res: Raw): Buffer =>
  res.headers['content-encoding'] === 'br' ? brotliDecompressSync(res.body) : res.headers['content-encoding'] === 'gzip' ? gunzipSync(res.body) : res.body;

/** Some JavaScript that compresses well, as a built chunk does. */
const script = (name: string) =>
  Array.from({ length: 120 }, (_, i) => `export const ${name}${i} = (value) => value.map((item) => ({ ...item, label: "${name} ${i}" }));`).join('\n');

const sqlite = backends()[0]!;

describe('delivery: the widget bundle, the demo pages and API JSON over HTTP', () => {
  let t: TestApp;
  let app: JusticeConnectApp;
  let server: ServerType;
  let origin: string;
  let widgets: string;
  let cookie: string;
  const files: Record<string, string> = {};

  before(async () => {
    t = await startApp(sqlite);
    const officer = await activeUser(t, 'Delivery Officer');
    cookie = officer.cookie;
    // Enough communities that their list is a page of more than 1 KB.
    for (let i = 0; i < 12; i++) await makeCommunity(t, { visibility: 'public', createdBy: officer.userId, name: `Corridor task force number ${i}` });
    // A built library and demo, as `npm run build` leaves them: entries, hashed chunks, a theme, pages and hashed assets.
    widgets = path.join(t.dir, 'widgets');
    const demo = path.join(t.dir, 'demo');
    const write = (root: string, file: string, text: string) => {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
      files[`${root === widgets ? '/widgets/' : '/'}${file}`] = text;
    };
    write(widgets, 'justiceconnect.js', `import "./chunks/core-AbC_12-z.js";\n${script('entry')}`);
    write(widgets, 'sign-in.js', 'import "./chunks/core-AbC_12-z.js";');
    write(widgets, 'chunks/core-AbC_12-z.js', script('core'));
    write(widgets, 'chunks/core-AbC_12-z.js.map', JSON.stringify({ version: 3, sources: [], mappings: 'AAAA;'.repeat(500) }));
    write(widgets, 'themes/uswds.css', Array.from({ length: 80 }, (_, i) => `jc-provider { --jc-color-${i}: #1a4480; }`).join('\n'));
    write(widgets, '.hidden.js', script('hidden'));
    write(demo, 'index.html', `<!doctype html><title>Portal</title>${'<p>The portal page.</p>'.repeat(80)}`);
    write(demo, 'intranet.html', `<!doctype html><title>Intranet</title>${'<p>The team page.</p>'.repeat(80)}`);
    write(demo, 'assets/intranet-Bh3kOekG.js', script('intranet'));
    write(demo, 'assets/portal-HI9Z2MTK.css', Array.from({ length: 80 }, (_, i) => `.box-${i} { margin: 0 auto; }`).join('\n'));
    precompressDir(widgets);
    precompressDir(demo);

    app = await createApp(
      loadConfig({ JC_DATA_DIR: t.dir, JC_DATABASE_URL: t.databaseUrl, JC_LOG_REQUESTS: 'false', JC_BASE_URL: BASE_URL }),
      { widgets, demo },
    );
    server = serve({ fetch: app.app.fetch, port: 0, hostname: '127.0.0.1' });
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    (server as Server).closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await app.close();
    await t.dispose();
  });

  it('sends the brotli copy to a browser that accepts it, with its type, its length, Vary and the cross-origin headers', async () => {
    const res = await get(origin, '/widgets/justiceconnect.js', { 'accept-encoding': 'gzip, deflate, br, zstd', origin: 'https://any-portal.example.gov' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], 'br');
    assert.equal(res.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(Number(res.headers['content-length']), res.body.length, 'Content-Length is the length of what was sent');
    assert.ok(res.body.length < files['/widgets/justiceconnect.js']!.length / 3, 'the copy is compressed');
    assert.equal(decode(res).toString(), files['/widgets/justiceconnect.js']);
    assert.match(String(res.headers.vary), /accept-encoding/i);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['cross-origin-resource-policy'], 'cross-origin');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  it('sends gzip where brotli is not accepted, and follows q-values', async () => {
    for (const accept of ['gzip', 'gzip, deflate', 'br;q=0, gzip', 'gzip;q=1, br;q=0.5']) {
      const res = await get(origin, '/widgets/justiceconnect.js', { 'accept-encoding': accept });
      assert.equal(res.headers['content-encoding'], 'gzip', accept);
      assert.equal(Number(res.headers['content-length']), res.body.length, accept);
      assert.equal(decode(res).toString(), files['/widgets/justiceconnect.js'], accept);
    }
    const preferred = await get(origin, '/widgets/justiceconnect.js', { 'accept-encoding': 'gzip;q=0.5, br;q=0.8' });
    assert.equal(preferred.headers['content-encoding'], 'br');
    assert.deepEqual(acceptedCodings('*'), ['br', 'gzip']);
    assert.deepEqual(acceptedCodings('*;q=0.1, br;q=0'), ['gzip']);
    assert.deepEqual(acceptedCodings('identity'), []);
  });

  it('falls back to the file as it is: no Accept-Encoding, identity only, or no smaller copy', async () => {
    for (const headers of [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'br;q=0, gzip;q=0' }] as Record<string, string>[]) {
      const res = await get(origin, '/widgets/justiceconnect.js', headers);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-encoding'], undefined, JSON.stringify(headers));
      assert.equal(res.body.toString(), files['/widgets/justiceconnect.js']);
      assert.equal(Number(res.headers['content-length']), res.body.length);
      assert.match(String(res.headers.vary), /accept-encoding/i, 'the answer still depends on Accept-Encoding');
    }
    // A 35-byte entry: the build wrote no copy (it would not be smaller), so it goes out as it is.
    const tiny = await get(origin, '/widgets/sign-in.js', { 'accept-encoding': 'br, gzip' });
    assert.equal(tiny.headers['content-encoding'], undefined);
    assert.equal(tiny.body.toString(), files['/widgets/sign-in.js']);
  });

  it('keeps hashed chunks and assets a year (immutable), and has entries, themes and pages revalidated', async () => {
    const immutable = 'public, max-age=31536000, immutable';
    for (const p of ['/widgets/chunks/core-AbC_12-z.js', '/widgets/chunks/core-AbC_12-z.js.map', '/assets/intranet-Bh3kOekG.js', '/assets/portal-HI9Z2MTK.css']) {
      const res = await get(origin, p, { 'accept-encoding': 'br' });
      assert.equal(res.status, 200, p);
      assert.equal(res.headers['cache-control'], immutable, p);
      assert.equal(decode(res).toString(), files[p], p);
    }
    for (const p of ['/widgets/justiceconnect.js', '/widgets/sign-in.js', '/widgets/themes/uswds.css', '/', '/intranet.html']) {
      const res = await get(origin, p, { 'accept-encoding': 'br' });
      assert.equal(res.status, 200, p);
      assert.equal(res.headers['cache-control'], 'no-cache', p);
      assert.match(String(res.headers.etag), /^"[\w-]+"$/, p);
    }
    assert.equal((await get(origin, '/assets/portal-HI9Z2MTK.css')).headers['content-type'], 'text/css; charset=utf-8');
    assert.equal((await get(origin, '/widgets/chunks/core-AbC_12-z.js.map')).headers['content-type'], 'application/json; charset=utf-8');
    // The scripts carry no sourceMappingURL comment (hidden source maps): a script with a map names it in a header.
    assert.equal((await get(origin, '/widgets/chunks/core-AbC_12-z.js', { 'accept-encoding': 'br' })).headers.sourcemap, 'core-AbC_12-z.js.map');
    assert.equal((await get(origin, '/widgets/justiceconnect.js')).headers.sourcemap, undefined, 'no map, no header');
    // Only a file in the hashed folder whose name ends in an 8-character hash.
    const hashed = hashedUnder('chunks');
    assert.equal(hashed('chunks/core-BF8WMT4s.js'), true);
    assert.equal(hashed('chunks/qr-code-B7K28mVN.js.map'), true);
    assert.equal(hashed('service-directory.js'), false);
    assert.equal(hashed('chunks/core.js'), false);
    assert.equal(hashed('themes/uswds-12345678.css'), false);
  });

  it('answers 304 with no body to a matching If-None-Match, per coding, and 200 once the file changes', async () => {
    const first = await get(origin, '/widgets/justiceconnect.js', { 'accept-encoding': 'br' });
    const etag = String(first.headers.etag);
    const again = await get(origin, '/widgets/justiceconnect.js', { 'accept-encoding': 'br', 'if-none-match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    assert.equal(again.headers.etag, etag);
    assert.equal(again.headers['cache-control'], 'no-cache');
    assert.match(String(again.headers.vary), /accept-encoding/i);
    assert.equal((await get(origin, '/widgets/justiceconnect.js', { 'accept-encoding': 'br', 'if-none-match': `W/${etag}, "other"` })).status, 304);

    // Each coding is its own representation, with its own tag.
    const gzip = await get(origin, '/widgets/justiceconnect.js', { 'accept-encoding': 'gzip', 'if-none-match': etag });
    assert.equal(gzip.status, 200);
    assert.notEqual(gzip.headers.etag, etag);
    const plain = await get(origin, '/widgets/justiceconnect.js', { 'if-none-match': etag });
    assert.equal(plain.status, 200);
    assert.notEqual(plain.headers.etag, etag);

    // The page too.
    const page = await get(origin, '/', { 'accept-encoding': 'br' });
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(page.headers['content-encoding'], 'br');
    assert.equal((await get(origin, '/', { 'accept-encoding': 'br', 'if-none-match': String(page.headers.etag) })).status, 304);

    // A new build of the entry: a new tag, and the stale copies beside it are not sent.
    const file = path.join(widgets, 'justiceconnect.js');
    const changed = `${files['/widgets/justiceconnect.js']}\nexport const rebuilt = true;`;
    writeFileSync(file, changed);
    const earlier = new Date(Date.now() - 60_000);
    for (const copy of ['.br', '.gz']) utimesSync(file + copy, earlier, earlier);
    const fresh = await get(origin, '/widgets/justiceconnect.js', { 'accept-encoding': 'br', 'if-none-match': etag });
    assert.equal(fresh.status, 200);
    assert.equal(fresh.headers['content-encoding'], undefined, 'a copy older than its file is not sent');
    assert.equal(fresh.body.toString(), changed);
    assert.notEqual(fresh.headers.etag, plain.headers.etag);
    precompressDir(widgets);
    const recompressed = await get(origin, '/widgets/justiceconnect.js', { 'accept-encoding': 'br' });
    assert.equal(recompressed.headers['content-encoding'], 'br');
    assert.equal(decode(recompressed).toString(), changed);
    assert.equal(readFileSync(file, 'utf8'), changed);
  });

  it('answers HEAD with the headers and length of what GET would send, and no body', async () => {
    const head = await get(origin, '/widgets/justiceconnect.js', { 'accept-encoding': 'br' }, 'HEAD');
    const body = await get(origin, '/widgets/justiceconnect.js', { 'accept-encoding': 'br' });
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(head.headers['content-encoding'], 'br');
    assert.equal(head.headers['content-length'], String(body.body.length));
    assert.equal(head.headers.etag, body.headers.etag);
  });

  it('serves nothing outside the built files: no dot-files, no way up, not the copies by their own names', async () => {
    for (const p of ['/widgets/.hidden.js', '/widgets/../package.json', '/widgets/%2e%2e/package.json', '/widgets/chunks/..%2f..%2fjusticeconnect.js', '/widgets/justiceconnect.js.br', '/widgets/justiceconnect.js.gz', '/index.html.gz', '/widgets/missing.js', '/widgets//justiceconnect.js']) {
      const res = await get(origin, p, { 'accept-encoding': 'br, gzip' });
      assert.equal(res.status, 404, p);
    }
    const post = await get(origin, '/widgets/justiceconnect.js', {}, 'DELETE');
    assert.notEqual(post.status, 200);
  });

  it('compresses API JSON of 1 KB or more for a client that accepts it, weakening its ETag, and leaves small answers alone', async () => {
    const doc = await get(origin, '/api/openapi.json', { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(doc.status, 200);
    assert.equal(doc.headers['content-encoding'], 'br');
    assert.match(String(doc.headers['content-type']), /^application\/json/);
    assert.equal(Number(doc.headers['content-length']), doc.body.length);
    assert.match(String(doc.headers.vary), /accept-encoding/i);
    const spec = JSON.parse(decode(doc).toString()) as { openapi: string };
    assert.equal(spec.openapi, '3.1.0');
    assert.ok(doc.body.length < decode(doc).length / 4);

    const gz = await get(origin, '/api/openapi.json', { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.deepEqual(JSON.parse(decode(gz).toString()), spec);
    const plain = await get(origin, '/api/openapi.json');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.deepEqual(JSON.parse(plain.body.toString()), spec);

    // A page read with an ETag (12 communities): compressed, the tag weak, and If-None-Match still answers 304.
    const page = await get(origin, '/api/v1/communities?scope=all', { 'accept-encoding': 'br', cookie });
    assert.equal(page.status, 200);
    assert.ok(decode(page).length >= 1024, `the page is over the threshold (${decode(page).length} bytes)`);
    assert.equal(page.headers['content-encoding'], 'br');
    assert.match(String(page.headers.etag), /^W\/"/);
    assert.equal(page.headers['cache-control'], 'no-store');
    const unchanged = await get(origin, '/api/v1/communities?scope=all', { 'accept-encoding': 'br', cookie, 'if-none-match': String(page.headers.etag) });
    assert.equal(unchanged.status, 304);
    assert.equal(unchanged.body.length, 0);
    const identity = await get(origin, '/api/v1/communities?scope=all', { cookie });
    assert.equal(identity.headers['content-encoding'], undefined);
    assert.match(String(identity.headers.etag), /^"/, 'uncompressed, the tag stays strong');
    assert.deepEqual(JSON.parse(decode(page).toString()), JSON.parse(identity.body.toString()));

    // Under 1 KB: as it is, but still Vary, since another answer could be compressed.
    const health = await get(origin, '/api/v1/health', { 'accept-encoding': 'br, gzip' });
    assert.equal(health.status, 200);
    assert.equal(health.headers['content-encoding'], undefined);
    assert.ok(health.body.length < 1024);
    assert.match(String(health.headers.vary), /accept-encoding/i);
    // Errors are never compressed (the audit log reads their code).
    const refused = await get(origin, '/api/v1/me', { 'accept-encoding': 'br' });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers['content-encoding'], undefined);
  });

  it('never compresses the live-event stream', async () => {
    const controller = new AbortController();
    const res = await fetch(`${origin}/api/v1/events`, { headers: { cookie, accept: 'text/event-stream', 'accept-encoding': 'gzip, br' }, signal: controller.signal });
    try {
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.equal(res.headers.get('content-encoding'), null);
    } finally {
      controller.abort();
      await res.body?.cancel().catch(() => {});
    }
  });
});
