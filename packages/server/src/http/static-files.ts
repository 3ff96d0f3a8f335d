import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { MiddlewareHandler } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import { acceptedCodings, type ContentCoding } from './compress.ts';

/** A file named by its content's hash never changes: browsers keep it a year without asking again. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Any other file (an entry, a page): kept, but asked about each time (ETag, 304 when unchanged). */
export const REVALIDATE = 'no-cache';

/** Text that the build compresses (scripts/precompress.mjs writes `.br` and `.gz` beside it). */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|json|map|svg|txt|xml)$/;
const SUFFIX: Record<ContentCoding, string> = { br: '.br', gzip: '.gz' };
const TYPES: Record<string, string> = { '.map': 'application/json; charset=utf-8' };

/**
 * Files under `dir` whose name ends in the build's content hash
 * (`chunks/core-BF8WMT4s.js`, `assets/portal-HI9Z2MTK.css`, and their source
 * maps). Both the folder and the 8-character hash are required, so an entry
 * such as `service-directory.js` is never taken for a hashed file.
 */
export function hashedUnder(dir: string): (file: string) => boolean {
  const pattern = new RegExp(`^${dir}/[^/]+-[A-Za-z0-9_-]{8}\\.(?:js|css)(?:\\.map)?$`);
  return (file) => pattern.test(file);
}

export interface StaticFilesOptions {
  /** The folder served. */
  root: string;
  /** Removed from the request path before the file is looked up (`/widgets`); none for the site's root. */
  prefix?: string;
  /** Which files (path relative to the root, with `/`) are named by their content's hash. */
  immutable: (file: string) => boolean;
}

interface Found {
  file: string;
  stats: Stats;
}

async function statFile(file: string): Promise<Stats | null> {
  try {
    const stats = await stat(file);
    return stats.isFile() ? stats : null;
  } catch {
    return null;
  }
}

/**
 * Serves a built folder (the widget bundle, the demo pages) the way a CDN would:
 *
 * - the brotli or gzip copy the build wrote beside each file (`x.js.br`,
 *   `x.js.gz`), chosen by Accept-Encoding, else the file itself; always with
 *   `Vary: Accept-Encoding`, the file's Content-Type and the Content-Length of
 *   what is sent;
 * - hashed files `Cache-Control: public, max-age=31536000, immutable`; every
 *   other file `no-cache`, with an ETag (a hash of the file's content and the
 *   coding), so an unchanged entry or page answers 304 without a body;
 * - GET and HEAD only; no dot-files, no `..`, nothing outside the root, and
 *   not the compressed copies by their own names. Anything else falls through
 *   (a 404 from the app);
 * - a script with a source map beside it (`x.js.map`) names it in a
 *   `SourceMap` header, for developer tools (the scripts carry no comment).
 */
export function serveFiles({ root, prefix = '', immutable }: StaticFilesOptions): MiddlewareHandler {
  const base = path.resolve(root);
  /** The content hash of each file, kept while its size and modification time stay the same. */
  const tags = new Map<string, { mtimeMs: number; size: number; tag: string }>();

  const contentTag = async ({ file, stats }: Found, data?: Buffer): Promise<string> => {
    const known = tags.get(file);
    if (known && known.mtimeMs === stats.mtimeMs && known.size === stats.size) return known.tag;
    const tag = createHash('sha256')
      .update(data ?? (await readFile(file)))
      .digest('base64url')
      .slice(0, 27);
    tags.set(file, { mtimeMs: stats.mtimeMs, size: stats.size, tag });
    return tag;
  };

  const find = async (requestPath: string): Promise<Found | null> => {
    if (prefix && !requestPath.startsWith(`${prefix}/`)) return null;
    let relative = requestPath.slice(prefix.length + 1);
    if (relative === '' || relative.endsWith('/')) relative += 'index.html';
    const segments = relative.split('/');
    if (segments.some((s) => s === '' || s.startsWith('.') || s.includes('\\') || s.includes('\0'))) return null;
    if (/\.(?:br|gz)$/.test(relative)) return null;
    const file = path.join(base, ...segments);
    if (!file.startsWith(base + path.sep)) return null;
    const stats = await statFile(file);
    return stats ? { file, stats } : null;
  };

  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const found = await find(c.req.path);
    if (!found) return next();
    const relative = path.relative(base, found.file).split(path.sep).join('/');
    const compressible = COMPRESSIBLE.test(found.file);

    // The compressed copy the client prefers, if the build wrote it (and it is not older than the file).
    let sent: Found = found;
    let coding: ContentCoding | null = null;
    if (compressible) {
      for (const candidate of acceptedCodings(c.req.header('accept-encoding'))) {
        const stats = await statFile(found.file + SUFFIX[candidate]);
        if (stats && stats.mtimeMs >= found.stats.mtimeMs) {
          sent = { file: found.file + SUFFIX[candidate], stats };
          coding = candidate;
          break;
        }
      }
    }

    const data = c.req.method === 'GET' ? await readFile(sent.file) : undefined;
    const etag = `"${await contentTag(found, coding ? undefined : data)}${coding ? `-${coding}` : ''}"`;
    const headers: Record<string, string> = {
      'Content-Type': TYPES[path.extname(found.file)] ?? getMimeType(found.file) ?? 'application/octet-stream',
      'Cache-Control': immutable(relative) ? IMMUTABLE : REVALIDATE,
      ETag: etag,
    };
    if (compressible) headers.Vary = 'Accept-Encoding';
    if (coding) headers['Content-Encoding'] = coding;
    // The build's source maps are hidden (no sourceMappingURL comment in the scripts, which every
    // visitor would download): developer tools find a script's map by this header instead.
    if (found.file.endsWith('.js') && (await statFile(`${found.file}.map`))) headers.SourceMap = `${path.basename(found.file)}.map`;

    const ifNoneMatch = c.req.header('if-none-match');
    if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === etag)) {
      delete headers['Content-Type'];
      delete headers['Content-Encoding'];
      return c.body(null, 304, headers);
    }
    headers['Content-Length'] = String(data ? data.byteLength : sent.stats.size);
    if (!data) return c.body(null, 200, headers);
    return c.body(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 200, headers);
  };
}
