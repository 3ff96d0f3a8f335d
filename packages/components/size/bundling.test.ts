/**
 * A portal that bundles the package (rather than loading the script tag)
 * must still get the elements: the files that define them are side effects,
 * and a `sideEffects` list that leaves them out lets the bundler drop them.
 * Builds a one-line consumer of each entry with Vite, against the built
 * library (run by `npm run test:size`, after the build).
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build, type Rollup } from 'vite';
import { entries } from './measure.js';

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
