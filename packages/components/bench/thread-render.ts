/**
 * Render benchmark in Chromium: `<jc-forum-thread>` from the built library
 * on a page, reading a 10,000-reply topic from the recorded fixtures (the
 * Storybook fixture server, `fixtureFetch`, bundled into the page: no
 * network, so the figures are the widget's own). Prints the time to the first
 * rendered reply (median of several page loads), and the DOM size of the
 * widget's shadow root after the first render and after scrolling to the end
 * of the thread (the list is virtualized, so it should stay small).
 *
 *   npm run bench:render    (part of npm run bench; builds the library first)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { COUNT_NODES, chromium, renderRuns } from './render-runs.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPLIES = Number(process.env.JC_BENCH_RENDER_REPLIES ?? 10_000);
const PAGE_SIZE = 50;
const RUNS = 5;
const PORT = 8798;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.map': 'application/json' };

async function main() {
  const widgets = path.resolve(here, '../dist');
  if (!existsSync(path.join(widgets, 'forum-thread.js'))) throw new Error('Build the library first: npm run build -w @justiceconnect/components');
  const dir = mkdtempSync(path.join(tmpdir(), 'jc-bench-thread-'));

  // The fixture server, bundled for the page: it mounts a provider whose fetch answers from memory.
  const fixtures = path.resolve(here, '../src/testing/fixtures.ts');
  writeFileSync(
    path.join(dir, 'entry.ts'),
    `import { LONG_TOPIC_ID, fixtureFetch, fixtureUsers } from ${JSON.stringify(fixtures)};
await Promise.all([customElements.whenDefined('jc-provider'), customElements.whenDefined('jc-forum-thread')]);
const provider = document.createElement('jc-provider');
provider.fetcher = fixtureFetch({ me: fixtureUsers.optedIn, longThread: ${REPLIES} });
const thread = document.createElement('jc-forum-thread');
thread.setAttribute('topic', LONG_TOPIC_ID);
thread.setAttribute('page-size', '${PAGE_SIZE}');
provider.append(thread);
document.querySelector('main').append(provider);
`,
  );
  await build({
    configFile: false,
    logLevel: 'warn',
    root: dir,
    build: {
      outDir: path.join(dir, 'out'),
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      lib: { entry: path.join(dir, 'entry.ts'), formats: ['es'], fileName: () => 'bench.js' },
    },
  });
  writeFileSync(
    path.join(dir, 'out', 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>thread render bench</title>
<script type="module" src="/widgets/justiceconnect.js"></script>
<script type="module" src="/bench.js"></script></head>
<body><main></main></body></html>`,
  );

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const file = url.pathname.startsWith('/widgets/')
      ? path.join(widgets, path.normalize(url.pathname.slice('/widgets/'.length)))
      : path.join(dir, 'out', url.pathname === '/' ? 'index.html' : path.normalize(url.pathname));
    if (!file.startsWith(widgets) && !file.startsWith(path.join(dir, 'out'))) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  server.listen(PORT, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${PORT}`;

  try {
    const { firstRenders, median, result } = await renderRuns<{
      atFirst: { nodes: number; articles: number };
      atEnd: { nodes: number; articles: number };
      loaded: number;
      ms: number;
      scrolls: number;
      page: number;
    }>({
      url: `${base}/`,
      runs: RUNS,
      tag: 'jc-forum-thread',
      item: '.thread > article',
      measure: `(async () => {
          const el = document.querySelector('jc-forum-thread');
          const root = el.shadowRoot;
          const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          ${COUNT_NODES}
          await frame();
          const atFirst = { nodes: countNodes(root), articles: root.querySelectorAll('.thread > article').length };
          // Scroll to the end, as a reader would: each time the end comes into view, the next page loads.
          const t0 = performance.now();
          let scrolls = 0;
          while (performance.now() - t0 < 120000) {
            window.scrollTo(0, document.documentElement.scrollHeight);
            scrolls++;
            await frame();
            const last = [...root.querySelectorAll('.thread > article')].at(-1);
            const done = !root.querySelector('.more button') && last && last.getAttribute('aria-posinset') === String(el.replies.length) && el.replies.length >= ${REPLIES};
            if (done) break;
          }
          const ms = performance.now() - t0;
          await frame();
          const atEnd = { nodes: countNodes(root), articles: root.querySelectorAll('.thread > article').length };
          return { atFirst, atEnd, loaded: el.replies.length, ms, scrolls, page: countNodes(document.documentElement) };
        })()`,
    });
    const n = (x: number) => x.toLocaleString('en-US');
    console.log(
      [
        `# thread render in Chromium (${path.basename(chromium())}), built library, ${n(REPLIES)}-reply fixture thread (fixtureFetch in the page), pages of ${PAGE_SIZE}`,
        `time to first rendered reply (navigation start → first reply), median of ${RUNS}: ${median.toFixed(0)} ms  (runs: ${firstRenders.map((x) => x.toFixed(0)).join(', ')})`,
        `DOM nodes in the widget's shadow root after first render: ${n(result.atFirst.nodes)} (${result.atFirst.articles} replies in the DOM)`,
        `after scrolling to the end (${n(result.loaded)} replies loaded in ${(result.ms / 1000).toFixed(1)} s, ${n(result.scrolls)} scrolls): ${n(result.atEnd.nodes)} (${result.atEnd.articles} replies in the DOM; whole page ${n(result.page)})`,
      ].join('\n'),
    );
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
