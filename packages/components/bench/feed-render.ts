/**
 * Render benchmark in Chromium: a community of 10,000 posts on the real
 * server, the built library on a page; prints the time to the feed's first
 * rendered post, and the feed's DOM size once all 10,000 posts are loaded
 * (the list is virtualized, so it should stay small).
 *
 *   npm run bench:render    (part of npm run bench; needs `npm run build` first)
 */
import { serve } from '@hono/node-server';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { benchSession } from '../../server/bench/session.ts';
import { COUNT_NODES, chromium, renderRuns } from './render-runs.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const POSTS = Number(process.env.JC_BENCH_RENDER_POSTS ?? 10_000);
const RUNS = 3;

async function main() {
  const widgets = path.resolve(here, '../dist');
  if (!existsSync(path.join(widgets, 'community-feed.js'))) throw new Error('Build the library first: npm run build');
  const dir = mkdtempSync(path.join(tmpdir(), 'jc-bench-render-'));
  const pages = path.join(dir, 'pages');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(pages);
  writeFileSync(
    path.join(pages, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>feed render bench</title>
<script type="module" src="/widgets/justiceconnect.js"></script></head>
<body><main><jc-provider><jc-community-feed community="bench-feed" page-size="100"></jc-community-feed></jc-provider></main></body></html>`,
  );
  const app = await createApp(
    loadConfig({ JC_DATA_DIR: dir, JC_LOG_REQUESTS: 'false', JC_AUTH_SECRET: 'bench-secret-bench-secret-bench-secret', JC_BASE_URL: 'http://127.0.0.1:8799', PORT: '8799' }),
    { widgets, demo: pages },
  );
  const server = serve({ fetch: app.app.fetch, port: 8799, hostname: '127.0.0.1' });
  await once(server, 'listening');
  const base = 'http://127.0.0.1:8799';
  const db = app.services.db.kysely;
  await db.insertInto('agency').values({ id: 'bench', name: 'Bench', ori: 'BENCH0001', created_at: new Date().toISOString() }).execute();
  const post = (p: string, body: unknown, cookie?: string) =>
    fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json', origin: base, ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
  await post('/api/auth/sign-up/email', { name: 'Bench Reader', email: 'reader@bench.test', password: 'bench-password-123', agencyOri: 'BENCH0001' });
  const user = await db.selectFrom('user').select('id').where('email', '=', 'reader@bench.test').executeTakeFirstOrThrow();
  await db.updateTable('profile').set({ status: 'active', opted_in: 1 }).where('user_id', '=', user.id).execute();
  // The whole sign-in: password, one-time code, notice.
  const cookie = await benchSession(app, base, user.id, 'reader@bench.test', 'bench-password-123');
  const community = (await (await post('/api/v1/communities', { name: 'Bench feed', slug: 'bench-feed', visibility: 'public' }, cookie)).json()) as { id: string };
  const start = Date.parse('2024-01-01T00:00:00Z');
  await db.transaction().execute(async (trx) => {
    for (let j = 0; j < POSTS; j += 500) {
      const rows = [];
      for (let k = j; k < Math.min(POSTS, j + 500); k++) {
        rows.push({
          id: `pst_${k.toString(36).padStart(8, '0')}`,
          community_id: community.id,
          author_id: user.id,
          type: 'status' as const,
          title: null,
          body: `Post ${k}: **northbound** stop near mile marker ${k % 500}. See [the schedule](https://example.gov/schedule).`,
          attachment_id: null,
          client_id: null,
          edited_at: null,
          deleted_at: null,
          created_at: new Date(start + k * 1000).toISOString(),
        });
      }
      await trx.insertInto('post').values(rows).execute();
    }
  });

  try {
    const { firstRenders, median, result } = await renderRuns<{ loaded: number; ms: number; nodes: number; page: number }>({
      url: `${base}/`,
      runs: RUNS,
      tag: 'jc-community-feed',
      item: 'article',
      prepare: async (browser) => {
        const [name, value] = cookie.split('=');
        await browser.setCookie({ name: name!, value: value!, domain: '127.0.0.1', path: '/', httpOnly: true });
      },
      measure: `(async (total) => {
        const feed = document.querySelector('jc-community-feed');
        const t0 = performance.now();
        let count = 0;
        for (let i = 0; i < total / 50 && count < total; i++) {
          await feed.loadOlder();
          await feed.updateComplete;
          count = feed.posts.length;
        }
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        ${COUNT_NODES}
        return { loaded: count, ms: performance.now() - t0, nodes: countNodes(feed), page: countNodes(document.documentElement) };
      })(${POSTS})`,
    });
    console.log(`# feed render in Chromium (${path.basename(chromium())}), built library, real server, ${POSTS.toLocaleString('en-US')}-post community`);
    console.log(`time to first rendered post (navigation start → first <article>), median of ${RUNS}: ${median.toFixed(0)} ms  (runs: ${firstRenders.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`posts loaded: ${result.loaded.toLocaleString('en-US')} in ${(result.ms / 1000).toFixed(1)} s; DOM nodes in the feed: ${result.nodes.toLocaleString('en-US')} (whole page ${result.page.toLocaleString('en-US')})`);
  } finally {
    server.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
