/**
 * A portal that bundles the package (rather than loading the script tag)
 * must still get the elements: the files that define them are side effects,
 * and a `sideEffects` list that leaves them out lets the bundler drop them.
 * Builds a one-line consumer of each entry with Vite, against the built
 * library (run by `npm run test:size`, after the build).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build, parseAst, type Rollup } from 'vite';
import { LICENSES_FILE, packageDir } from '../../../scripts/third-party-licenses.mjs';
import { DIST, entries, fullClosure, staticClosure } from './measure.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('bundling the package into an app', () => {
  for (const { name } of entries().filter((e) => e.name !== 'justiceconnect')) {
    it(`keeps the elements ${name} defines`, async () => {
      // Inside the package, so '@justiceconnect/components' resolves to it as an app's would.
      const dir = path.join(here, `.consumer-${name}`);
      mkdirSync(dir, { recursive: true });
      try {
        writeFileSync(path.join(dir, 'main.js'), `import '@justiceconnect/components/${name}';\n`);
        const out = (await build({
          root: dir,
          logLevel: 'silent',
          configFile: false,
          build: { write: false, minify: false, rollupOptions: { input: path.join(dir, 'main.js') } },
        })) as Rollup.RolldownOutput | Rollup.RolldownOutput[];
        const code = [out]
          .flat()
          .flatMap((o) => o.output)
          .map((chunk) => ('code' in chunk ? chunk.code : ''))
          .join('\n');
        assert.match(code, new RegExp(`customElements\\.define\\(\\s*["'\`]jc-${name}["'\`]|["'\`]jc-${name}["'\`]`), `the bundle for ${name} names jc-${name}`);
        assert.match(code, /customElements\.define/, `the bundle for ${name} defines elements`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

/**
 * An English reader downloads no Spanish: the catalogue (src/generated/locales/es.ts)
 * and the translated error texts (src/api/error-text.ts) are loaded by
 * `useLocale` only when Spanish is chosen, so no entry imports them statically.
 * The emitted files are found by what their source maps say they hold, not by name.
 */
describe('the Spanish catalogue', () => {
  const holding = (source: string) =>
    readdirSync(DIST, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.js'))
      .map((f) => path.join(DIST, f))
      .filter((file) => {
        // An entry file only re-exports its chunks, and has no map: it holds no module's code.
        if (!existsSync(`${file}.map`)) {
          const body = (parseAst(readFileSync(file, 'utf8')) as unknown as { body: { type: string; declaration?: unknown }[] }).body;
          assert.ok(
            body.every((n) => n.type === 'ImportDeclaration' || n.type === 'ExportAllDeclaration' || (n.type === 'ExportNamedDeclaration' && !n.declaration)),
            `${path.relative(DIST, file)} has no source map, yet holds code`,
          );
          return false;
        }
        const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] };
        return map.sources.some((s) => s.replace(/\\/g, '/').endsWith(source));
      });

  it('src/api/error-text.ts, the error table in English that only translators read, is in no emitted file', () => {
    assert.deepEqual(holding('src/api/error-text.ts'), []);
  });

  for (const source of ['src/generated/locales/es.ts', 'src/generated/error-ids.ts', 'src/api/error-lookup.ts']) {
    it(`${source} is in a file of its own that no entry imports statically, loaded on demand`, () => {
      const files = holding(source);
      assert.equal(files.length, 1, `one emitted file holds ${source} (found: ${files.map((f) => path.relative(DIST, f)).join(', ') || 'none'})`);
      const [file] = files as [string];
      for (const { name, file: entry } of entries()) {
        assert.ok(!staticClosure(entry).includes(file), `the ${name} entry imports ${path.relative(DIST, file)} (${source}) statically: an English reader would download it`);
      }
      const whole = entries().find((e) => e.name === 'justiceconnect')!;
      assert.ok(fullClosure(whole.file).includes(file), `${path.relative(DIST, file)} is loaded by a dynamic import`);
    });
  }
});

describe('the third-party licences', () => {
  it('go with the bundle in one file that names every package whose code it carries', () => {
    const file = path.join(DIST, LICENSES_FILE);
    assert.ok(existsSync(file), `${LICENSES_FILE} beside the scripts`);
    const notices = readFileSync(file, 'utf8');
    const bundled = new Set<string>();
    for (const f of readdirSync(DIST, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js.map'))) {
      const map = JSON.parse(readFileSync(path.join(DIST, f), 'utf8')) as { sources: string[] };
      for (const source of map.sources) {
        const found = packageDir(path.resolve(DIST, path.dirname(f), source));
        if (found) bundled.add(found.name);
      }
    }
    assert.ok(bundled.has('lit-html') && bundled.has('zod'), `the source maps name the bundled packages (found: ${[...bundled].join(', ')})`);
    for (const name of bundled) assert.match(notices, new RegExp(`^${name.replace(/[/.]/g, '\\$&')} \\S+ \\(`, 'm'), `${LICENSES_FILE} has ${name}'s licence`);
  });
});
