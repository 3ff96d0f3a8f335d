/**
 * Bundle sizes of the built library (packages/components/dist), as a browser
 * downloads it: each emitted JS file is fetched on its own, so a figure is the
 * sum of each file's gzip size (Node's zlib, level 9, deterministic). Source
 * maps do not count.
 *
 * The import graph is read from the emitted files themselves (parsed, not
 * guessed from file names): static `import … from` / `export … from` and
 * side-effect `import "…"`, and dynamic `import("…")`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { SourceMapConsumer } from 'source-map-js';
import { parseAst } from 'vite';

/** The issue's budgets, in bytes of gzip (1 KB = 1,000 bytes, as Vite and browsers' devtools count). Never loosen them. */
export const BUDGETS = {
  /** justiceconnect.js and everything it imports, statically or dynamically. */
  wholeLibrary: 45_000,
  /** One widget's entry and its static import closure. */
  widgetEntry: 20_000,
  /** The shared core chunk alone (Lit, context, transport, session, tokens): issue 21's budget. */
  core: 12_000,
} as const;

export const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');

/** The shared core chunk among the whole library's first-load files (vite.config.ts names it `chunks/core-[hash].js`), if there is one. */
export function coreChunk(initialFiles: string[], dist = DIST): string | undefined {
  return initialFiles.find((f) => /^chunks\/core-[\w-]+\.js$/.test(path.relative(dist, f).replaceAll('\\', '/')));
}

/** The library's entries: `justiceconnect` and one per widget, as package.json exports them (its JS ones: not the themes' CSS). */
export function entries(dist = DIST): { name: string; file: string }[] {
  const pkg = JSON.parse(readFileSync(path.join(dist, '../package.json'), 'utf8')) as { exports: Record<string, string> };
  return Object.entries(pkg.exports).filter(([, target]) => target.endsWith('.js')).map(([key, target]) => {
    const file = path.resolve(dist, '..', target);
    return { name: key === '.' ? 'justiceconnect' : key.replace(/^\.\//, ''), file };
  });
}

export interface FileImports {
  static: string[];
  dynamic: string[];
}

const importCache = new Map<string, FileImports>();

/** The relative JS files one emitted file imports (absolute paths). */
export function importsOf(file: string): FileImports {
  const cached = importCache.get(file);
  if (cached) return cached;
  const code = readFileSync(file, 'utf8');
  const ast = parseAst(code) as unknown as Node;
  const found: FileImports = { static: [], dynamic: [] };
  const resolve = (spec: string) => {
    if (!spec.startsWith('.') && !spec.startsWith('/')) {
      throw new Error(`${path.basename(file)} imports "${spec}", a bare specifier: the library must bundle its dependencies for a script tag.`);
    }
    return path.resolve(path.dirname(file), spec);
  };
  walk(ast, (node) => {
    if (
      (node.type === 'ImportDeclaration' || node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration') &&
      node.source
    ) {
      found.static.push(resolve(String((node.source as Node).value)));
    } else if (node.type === 'ImportExpression') {
      const spec = constantString(node.source as Node);
      if (spec === undefined) {
        throw new Error(`${path.basename(file)} has a dynamic import of a computed specifier; the size check cannot follow it.`);
      }
      found.dynamic.push(resolve(spec));
    }
  });
  for (const f of [...found.static, ...found.dynamic]) {
    if (!existsSync(f)) throw new Error(`${path.basename(file)} imports ${f}, which the build did not emit.`);
  }
  importCache.set(file, found);
  return found;
}

/** A string literal's value (`"x"`, or a template literal without expressions, as minifiers write it), else undefined. */
function constantString(node: Node): string | undefined {
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && (node.expressions as unknown[]).length === 0) {
    const [quasi] = node.quasis as { value: { cooked: string | null } }[];
    return quasi?.value.cooked ?? undefined;
  }
  return undefined;
}

interface Node {
  type: string;
  [key: string]: unknown;
}

function walk(node: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const n = node as Node;
  if (typeof n.type === 'string') visit(n);
  for (const key of Object.keys(n)) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'range' || key === 'loc') continue;
    const value = n[key];
    if (value && typeof value === 'object') walk(value, visit);
  }
}

const gzipCache = new Map<string, number>();

/** gzip -9 size of one file, in bytes. */
export function gzipSize(file: string): number {
  let size = gzipCache.get(file);
  if (size === undefined) {
    size = gzipSync(readFileSync(file), { level: 9 }).length;
    gzipCache.set(file, size);
  }
  return size;
}

/** The file and every file it imports statically, transitively (in first-seen order). */
export function staticClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const dep of importsOf(file).static) visit(dep);
  };
  visit(entry);
  return [...seen];
}

/** The file and every file it imports statically or dynamically, transitively. */
export function fullClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const { static: s, dynamic: d } = importsOf(file);
    for (const dep of [...s, ...d]) visit(dep);
  };
  visit(entry);
  return [...seen];
}

export interface EntrySize {
  name: string;
  file: string;
  /** The entry and its static closure: what must download before the widget works. */
  initial: { files: string[]; gzip: number };
  /** Chunks only reached through a dynamic import (loaded on demand), beyond the initial ones. */
  lazy: { files: string[]; gzip: number };
  /** All files, downloaded separately: initial + lazy. */
  totalGzip: number;
  /** For information: the gzip size of all the files concatenated into one. */
  concatenatedGzip: number;
}

const sum = (files: string[]) => files.reduce((total, f) => total + gzipSize(f), 0);

export function measureEntry(name: string, file: string): EntrySize {
  const initial = staticClosure(file);
  const all = fullClosure(file);
  const lazy = all.filter((f) => !initial.includes(f));
  const concatenated = gzipSync(Buffer.concat(all.map((f) => readFileSync(f))), { level: 9 }).length;
  return {
    name,
    file,
    initial: { files: initial, gzip: sum(initial) },
    lazy: { files: lazy, gzip: sum(lazy) },
    totalGzip: sum(all),
    concatenatedGzip: concatenated,
  };
}

export function measureAll(dist = DIST): EntrySize[] {
  if (!existsSync(path.join(dist, 'justiceconnect.js'))) {
    throw new Error(`${dist}/justiceconnect.js is missing: build the library first (npm run build -w @justiceconnect/components).`);
  }
  return entries(dist).map((e) => measureEntry(e.name, e.file));
}

export const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

/** Where an emitted file's bytes come from, by the package (or `our code`) its source map names. */
export function packageOf(source: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source.replaceAll('\\', '/'));
  if (!m) return source.includes('/src/') ? 'our code' : 'bundler helpers';
  const name = m[1]!;
  if (/^(lit|lit-html|lit-element|@lit\/reactive-element)$/.test(name)) return 'lit';
  if (name.startsWith('@oxc-project/')) return 'bundler helpers';
  return name;
}

/**
 * A share of the files' gzip bytes for each package their code comes from: each file's gzip size is split
 * in proportion to the minified characters its source map gives each source (an estimate: gzip does not
 * compress every part of a file alike, but the shares add up to the files' real total).
 */
export function composition(files: string[]): Map<string, number> {
  const shares = new Map<string, number>();
  const add = (key: string, bytes: number) => shares.set(key, (shares.get(key) ?? 0) + bytes);
  for (const file of files) {
    const mapFile = `${file}.map`;
    const gzip = gzipSize(file);
    if (!existsSync(mapFile)) {
      add('unmapped', gzip);
      continue;
    }
    const lines = readFileSync(file, 'utf8').split('\n');
    const consumer = new SourceMapConsumer(JSON.parse(readFileSync(mapFile, 'utf8')));
    const mappings: { line: number; column: number; source: string | null }[] = [];
    consumer.eachMapping((m) => mappings.push({ line: m.generatedLine, column: m.generatedColumn, source: m.source }));
    mappings.sort((a, b) => a.line - b.line || a.column - b.column);
    const chars = new Map<string, number>();
    let total = 0;
    mappings.forEach((m, i) => {
      const next = mappings[i + 1];
      const end = next && next.line === m.line ? next.column : (lines[m.line - 1]?.length ?? m.column);
      const key = m.source ? packageOf(m.source) : 'bundler helpers';
      chars.set(key, (chars.get(key) ?? 0) + (end - m.column));
      total += end - m.column;
    });
    for (const [key, n] of chars) add(key, total ? (gzip * n) / total : 0);
  }
  return shares;
}
