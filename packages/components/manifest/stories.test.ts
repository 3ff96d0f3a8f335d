/**
 * The stories test (src/stories.test.ts, in the browser) and the Spanish
 * render test render every story of the `*.stories.ts` files that
 * src/testing/all-stories.ts lists, since a browser cannot list a folder.
 * This check, run by `npm run test:manifest` (no browser needed), fails when
 * a stories file on disk is missing from that list, or the list names a
 * file that is gone.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

it('src/testing/all-stories.ts imports and lists every *.stories.ts file under src', () => {
  const onDisk = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.stories.ts'))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
  assert.ok(onDisk.length > 0, 'some stories files');
  const list = readFileSync(path.join(SRC, 'testing/all-stories.ts'), 'utf8');
  const imported = [...list.matchAll(/from '\.\.\/([\w/.-]+\.stories)\.js'/g)].map((m) => `${m[1]}.ts`).sort();
  const listed = [...list.matchAll(/^\s*'([\w/.-]+\.stories\.ts)':/gm)].map((m) => m[1]).sort();
  assert.deepEqual(imported, onDisk, 'src/testing/all-stories.ts should import every stories file (and no other)');
  assert.deepEqual(listed, onDisk, 'STORIES in src/testing/all-stories.ts should list every stories file (and no other)');
});
