/**
 * The custom elements manifest (dist/custom-elements.json, written by
 * `npm run analyze` or `npm run build`) is complete: run by `npm run
 * test:manifest`, no browser needed. It reads the elements' source with plain
 * text searches and checks, for every `jc-*` element:
 *
 * - the tag (`@customElement('…')` or `customElements.define('…')`) is in the
 *   manifest, from the same file, with a description; and no tag is in the
 *   manifest that the source no longer defines;
 * - every attribute, public property and public method has a description;
 * - every `jc-*` event the element dispatches (`fire(this, 'jc-…')`,
 *   `new CustomEvent('jc-…')`, `this.emit('jc-…')`, `this.#emit('jc-…')`) is a
 *   documented event, and every documented event is one it dispatches;
 * - every `part="…"` in its templates, and in the template helpers it calls
 *   (src/shared, the widget kernel in src/kernel, whose JcElement renders the
 *   frame its widgets share, and modules beside the element's own file), is
 *   a documented CSS part, and every documented part is
 *   one of those (a name built from an expression, `banner-${severity}`,
 *   accepts any documented `banner-…`);
 * - every `--jc-*` custom property its styles read (its `.styles.ts`, the
 *   shared styles that file includes, and the element file itself; one the
 *   shared tokens read into a private `--_x` counts only where `--_x` is used)
 *   is a documented CSS custom property, and every documented one is read there;
 * - host attributes its styles select (`theme`) are documented attributes, and
 *   its slots are described.
 *
 * Plain text searches, not a parser: a template helper elsewhere, or
 * an event dispatched some other way, is not seen (nor then checked).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');
const MANIFEST = path.join(ROOT, 'dist/custom-elements.json');

interface Item {
  name: string;
  description?: string;
  summary?: string;
}
interface Member extends Item {
  kind: string;
  static?: boolean;
  privacy?: string;
}
interface Declaration extends Item {
  kind: string;
  customElement?: boolean;
  tagName?: string;
  attributes?: Item[];
  members?: Member[];
  events?: Item[];
  slots?: Item[];
  cssParts?: Item[];
  cssProperties?: Item[];
}
interface Manifest {
  modules: { path: string; declarations?: Declaration[] }[];
}

const read = (file: string) => readFileSync(file, 'utf8');
const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');
const sorted = (names: Iterable<string>) => [...new Set(names)].sort();
const described = (item: Item) => Boolean((item.description ?? item.summary ?? '').trim());

/** Fails with what the source has and the manifest lacks, and what the manifest has that the source lacks. */
function sameNames(documented: Iterable<string>, found: Iterable<string>, what: string) {
  const doc = new Set(documented);
  const src = new Set(found);
  const undocumented = sorted([...src].filter((n) => !doc.has(n)));
  const stale = sorted([...doc].filter((n) => !src.has(n)));
  assert.ok(
    !undocumented.length && !stale.length,
    `${what}: ` +
      [undocumented.length ? `in the source, not documented: ${undocumented.join(', ')}` : '', stale.length ? `documented, not in the source: ${stale.join(', ')}` : '']
        .filter(Boolean)
        .join('; '),
  );
}

/** The library's source: no tests, stories or test fixtures. */
function sourceFiles(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !/\.(test|stories)\.ts$/.test(f) && !f.split(path.sep).includes('testing'))
    .map((f) => path.join(SRC, f));
}

/** Every tag the source defines, with the file that defines it. */
function definedTags(): Map<string, string> {
  const tags = new Map<string, string>();
  for (const file of sourceFiles()) {
    for (const m of read(file).matchAll(/@customElement\(\s*['"]([^'"]+)['"]\s*\)|customElements\.define\(\s*['"]([^'"]+)['"]/g)) {
      tags.set((m[1] ?? m[2])!, file);
    }
  }
  return tags;
}

/** Stands for an expression inside a part name (`banner-${a.severity}`). */
const ANY = '*';

/**
 * Names in `part` attributes: `part="a b"`, and the string literals of
 * `part=${cond ? 'a b' : 'a'}`. A name built with an expression
 * (`banner-${a.severity}`) comes back as a pattern, `banner-*`.
 */
function partsIn(text: string): string[] {
  const parts: string[] = [];
  for (const m of text.matchAll(/\bpart="([^"]*)"/g)) parts.push(...m[1]!.replace(/\$\{[^}]*\}/g, ANY).split(/\s+/).filter(Boolean));
  for (const m of text.matchAll(/\bpart=\$\{([^}]*)\}/g)) {
    for (const s of m[1]!.matchAll(/'([^']*)'|"([^"]*)"/g)) parts.push(...(s[1] ?? s[2])!.split(/\s+/).filter(Boolean));
  }
  return parts;
}

/** The relative imports of a module: each imported name (types left out) and the file it comes from. */
function importsOf(file: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of read(file).matchAll(/^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'(\.[^']+)'/gm)) {
    if (m[1]) continue;
    const target = path.resolve(path.dirname(file), m[3]!.replace(/\.js$/, '.ts'));
    for (const spec of m[2]!.split(',')) {
      const s = spec.trim();
      if (!s || s.startsWith('type ')) continue;
      names.set(s.split(/\s+as\s+/).pop()!, target);
    }
  }
  return names;
}

/** A module's top-level declarations, each with its text (up to the next one). */
function topLevel(file: string): Map<string, string> {
  const text = read(file);
  const starts = [...text.matchAll(/^(?:export\s+)?(?:async\s+)?(?:function|class|const|let)\s+([A-Za-z_$][\w$]*)/gm)];
  const chunks = new Map<string, string>();
  starts.forEach((m, i) => chunks.set(m[1]!, text.slice(m.index, starts[i + 1]?.index ?? text.length)));
  return chunks;
}

const uses = (text: string, name: string) => new RegExp(`(?<![\\w$.#])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(text);

/** Where the template helpers that widgets share live: src/shared, and the widget kernel (src/kernel). */
const isHelper = (file: string) => ['shared', 'kernel'].some((dir) => file.startsWith(path.join(SRC, dir) + path.sep));

/**
 * The parts a piece of code renders: its own `part="…"`, and those of the
 * helpers it uses (shared ones, in src/shared and src/kernel, and those in
 * modules beside it), followed through their own helpers.
 */
function renderedParts(text: string, file: string, seen = new Set<string>()): string[] {
  const parts = partsIn(text);
  const local = topLevel(file);
  const follow = (key: string, target: string, name: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = topLevel(target).get(name);
    if (chunk !== undefined) parts.push(...renderedParts(chunk, target, seen));
  };
  for (const [name, target] of importsOf(file)) {
    const beside = path.dirname(target) === path.dirname(file) && !target.endsWith('.styles.ts');
    if ((isHelper(target) || beside) && uses(text, name)) follow(`${target}#${name}`, target, name);
  }
  // Helpers a module beside it exports and the code calls once loaded (`import('./enrol.js')`, then `view.renderEnrol(…)`).
  for (const m of read(file).matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g)) {
    const target = path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts'));
    if (!(isHelper(target) || path.dirname(target) === path.dirname(file)) || !existsSync(target)) continue;
    for (const name of topLevel(target).keys()) if (new RegExp(`\\.${name.replace(/\$/g, '\\$')}\\(`).test(text)) follow(`${target}#${name}`, target, name);
  }
  // A shared helper's own top-level helpers (the chunk being read is in `seen` already).
  for (const name of local.keys()) if (uses(text, name)) follow(`${file}#${name}`, file, name);
  return parts;
}

/** The `jc-*` events an element's file dispatches. */
function dispatchedEvents(text: string): string[] {
  return [...text.matchAll(/(?:\bfire\(\s*this\s*,\s*|new CustomEvent(?:<[^>]*>)?\(\s*|this\.#?emit\(\s*)'(jc-[a-z-]+)'/g)].map((m) => m[1]!);
}

/** The files an element's styles come from: its own file, its styles module and the modules that one imports styles from. */
function styleFiles(elementFile: string): string[] {
  const files = new Set([elementFile]);
  for (const [name, target] of importsOf(elementFile)) {
    if (!/Styles$/.test(name) || !existsSync(target)) continue;
    files.add(target);
    for (const [, styleSource] of importsOf(target)) if (existsSync(styleSource)) files.add(styleSource);
  }
  return [...files];
}

/**
 * The `--jc-*` custom properties an element's styles read: directly
 * (`var(--jc-x)`), or through a private property (`--_x: var(--jc-x)`) that
 * they then use (the shared tokens define some that not every widget uses).
 */
function customPropertiesRead(css: string): string[] {
  const names: string[] = [];
  for (const m of css.matchAll(/(--_[\w-]+)\s*:\s*var\(\s*(--jc-[\w-]+)|var\(\s*(--jc-[\w-]+)/g)) {
    if (m[3]) names.push(m[3]);
    else if (new RegExp(`var\\(\\s*${m[1]}(?![\\w-])`).test(css)) names.push(m[2]!);
  }
  return names;
}

/** Host attributes an element's styles select (`:host([theme='light'])`), but not global ones like `hidden`. */
function styledHostAttributes(css: string): string[] {
  return [...css.matchAll(/:host\((?::not\()?\[([\w-]+)/g)].map((m) => m[1]!).filter((a) => a !== 'hidden');
}

describe('custom elements manifest', () => {
  assert.ok(existsSync(MANIFEST), `${rel(MANIFEST)} is missing: run \`npm run analyze -w @justiceconnect/components\` (or the build) first`);
  const manifest = JSON.parse(read(MANIFEST)) as Manifest;
  const elements = new Map<string, { module: string; decl: Declaration }>();
  for (const mod of manifest.modules) {
    for (const decl of mod.declarations ?? []) if (decl.customElement && decl.tagName) elements.set(decl.tagName, { module: mod.path, decl });
  }
  const tags = definedTags();

  it('lists exactly the elements the source defines', () => {
    assert.ok(tags.size >= 10, `found only ${tags.size} element definitions in src`);
    sameNames(elements.keys(), tags.keys(), 'tags in the manifest against tags defined in src');
  });

  for (const [tag, file] of tags) {
    describe(tag, () => {
      const entry = elements.get(tag);
      const decl = entry?.decl;
      const text = read(file);
      const names = (items: Item[] | undefined) => sorted((items ?? []).map((i) => i.name));
      const undescribed = (items: Item[] | undefined) => (items ?? []).filter((i) => !described(i)).map((i) => i.name);

      it('is in the manifest, from its own file, with a description', () => {
        assert.ok(decl, `${tag} is not in ${rel(MANIFEST)}`);
        assert.equal(entry!.module, rel(file));
        assert.ok(described(decl), `${tag} has no description (the JSDoc summary on its class)`);
      });

      it('describes every attribute and public property and method', () => {
        assert.deepEqual(undescribed(decl?.attributes), [], `${tag}: attributes without a description`);
        const members = (decl?.members ?? []).filter((m) => !m.static && (m.privacy ?? 'public') === 'public' && !m.name.startsWith('#'));
        assert.deepEqual(undescribed(members), [], `${tag}: public properties and methods without a description`);
      });

      it('documents each event it dispatches (@fires), and no other', () => {
        sameNames(names(decl?.events), dispatchedEvents(text), `${tag}'s events (@fires) against what ${rel(file)} dispatches`);
        assert.deepEqual(undescribed(decl?.events), [], `${tag}: events without a description`);
      });

      it('documents each part its templates render (@csspart), and no other', () => {
        const rendered = renderedParts(text, file);
        const patterns = rendered.filter((p) => p.includes(ANY)).map((p) => new RegExp(`^${p.split(ANY).join('[\\w-]+')}$`));
        // A documented name that a pattern renders (banner-emergency for banner-*) is in the source.
        const documented = names(decl?.cssParts);
        const found = [...rendered.filter((p) => !p.includes(ANY)), ...documented.filter((n) => patterns.some((re) => re.test(n)))];
        sameNames(documented, found, `${tag}'s parts (@csspart) against the part="…" its templates render`);
        assert.deepEqual(undescribed(decl?.cssParts), [], `${tag}: parts without a description`);
      });

      it('documents each --jc-* custom property its styles read (@cssprop), and no other', () => {
        const css = styleFiles(file).map(read).join('\n');
        sameNames(names(decl?.cssProperties), customPropertiesRead(css), `${tag}'s custom properties (@cssprop) against the var(--jc-…) its styles read`);
        assert.deepEqual(undescribed(decl?.cssProperties), [], `${tag}: custom properties without a description`);
      });

      it('documents the host attributes its styles select (@attr)', () => {
        const css = styleFiles(file).map(read).join('\n');
        const attributes = new Set(names(decl?.attributes));
        const missing = sorted(styledHostAttributes(css)).filter((a) => !attributes.has(a));
        assert.deepEqual(missing, [], `${tag}'s styles select these host attributes, which it does not document`);
      });

      it('describes its slots', () => {
        assert.deepEqual(undescribed(decl?.slots), [], `${tag}: slots without a description`);
        if (/<slot[\s>]/.test(text)) assert.ok(decl?.slots?.length, `${tag} renders a <slot> but documents none (@slot)`);
      });
    });
  }
});

describe('the source scan itself', () => {
  it('reads part names from static and conditional part attributes, and dynamic ones as patterns', () => {
    assert.deepEqual(partsIn(`<li part="item"><a part="link x">`), ['item', 'link', 'x']);
    assert.deepEqual(partsIn("<div part=${locked ? 'service service-locked' : 'service'}>"), ['service', 'service-locked', 'service']);
    assert.deepEqual(partsIn('<div part="banner banner-${a.severity}">'), ['banner', 'banner-*']);
  });

  it('counts a custom property read through a private one only when that one is used', () => {
    const css = `:host { --_a: var(--jc-a, red); --_b: var(--jc-b); --_bb: x; font: var(--jc-font); } p { color: var(--_a); border-color: var(--_bb); }`;
    assert.deepEqual(customPropertiesRead(css), ['--jc-a', '--jc-font']);
  });

  it('finds fire(), new CustomEvent(), emit() and #emit() dispatches', () => {
    const code = `fire(this, 'jc-a', {}); this.dispatchEvent(new CustomEvent('jc-b', {})); this.#emit('jc-c'); fire(other, 'jc-d', {}); new Event('change'); this.emit('jc-e', {})`;
    assert.deepEqual(dispatchedEvents(code), ['jc-a', 'jc-b', 'jc-c', 'jc-e']);
  });
});
