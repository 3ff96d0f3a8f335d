/**
 * Brotli and gzip copies of every built text file, written beside it
 * (`x.js.br`, `x.js.gz`) once, at build time, at the strongest settings (source
 * maps, read only by DevTools, at a quicker one): the
 * server (packages/server/src/http/static-files.ts) and nginx (`brotli_static`,
 * `gzip_static`, deploy/nginx.conf) send the copy the browser accepts instead
 * of compressing on every request. A copy no smaller than the file is not
 * written (the file goes out as it is).
 *
 * Used by the library's and the demo pages' Vite builds (their vite.config.ts).
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** The files worth compressing: text. Images, fonts and the like are compressed already or not served here. */
export const COMPRESSIBLE = /\.(?:js|mjs|css|html|json|map|svg|txt|xml)$/;

/** Writes `.br` and `.gz` beside every compressible file under `dir` (and removes any left from an earlier build that would now be no smaller). */
export function precompressDir(dir) {
  const total = { files: 0, bytes: 0, br: 0, gzip: 0 };
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!COMPRESSIBLE.test(name)) continue;
    const file = path.join(dir, name);
    const data = readFileSync(file);
    const br = brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        // Source maps (most of the bytes, fetched only by DevTools) at a quicker setting: the build stays fast.
        [constants.BROTLI_PARAM_QUALITY]: name.endsWith('.map') ? 5 : constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    });
    const gz = gzipSync(data, { level: constants.Z_BEST_COMPRESSION });
    for (const [ext, copy] of [['.br', br], ['.gz', gz]]) {
      if (copy.length < data.length) writeFileSync(file + ext, copy);
      else rmSync(file + ext, { force: true });
    }
    total.files += 1;
    total.bytes += data.length;
    total.br += Math.min(br.length, data.length);
    total.gzip += Math.min(gz.length, data.length);
  }
  return total;
}

/** The Vite plugin: after the build has written everything (the copied themes included), compresses the output folder. */
export function precompress() {
  let outDir = 'dist';
  let log = (line) => console.log(line);
  return {
    name: 'justiceconnect-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
      log = (line) => config.logger.info(line);
    },
    closeBundle: {
      order: 'post',
      handler() {
        const { files, bytes, br, gzip } = precompressDir(outDir);
        const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
        log(`precompressed ${files} files: ${kb(bytes)} → brotli ${kb(br)}, gzip ${kb(gzip)}`);
      },
    },
  };
}
