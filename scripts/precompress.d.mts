// Types of scripts/precompress.mjs (the build step that writes .br and .gz beside each built file).
import type { Plugin } from 'vite';

/** The files worth compressing: text. */
export const COMPRESSIBLE: RegExp;

export interface Precompressed {
  /** Files compressed, their bytes, and the bytes of their brotli and gzip copies. */
  files: number;
  bytes: number;
  br: number;
  gzip: number;
}

/** Writes `.br` and `.gz` beside every compressible file under `dir`. */
export function precompressDir(dir: string): Precompressed;

/** The Vite plugin: compresses the build's output folder once it is written. */
export function precompress(): Plugin;
