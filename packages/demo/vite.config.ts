import { defineConfig } from 'vite';
import { precompress } from '../../scripts/precompress.mjs';

/**
 * The demo host pages. They load the widgets exactly as a portal would, by
 * script tags pointing at the server's /widgets/<widget>.js (one per widget a
 * page shows), so those URLs are left for the browser to fetch at run time.
 */
export default defineConfig({
  // Brotli and gzip copies of the pages and their assets, sent as they are by the server and nginx.
  plugins: [precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The pages preload nothing of their own (the widgets come from /widgets/, outside this build), so
    // Vite's modulepreload polyfill would be 0.4 KB of script each page downloads for nothing.
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: { index: 'index.html', intranet: 'intranet.html', community: 'community.html' },
      external: [/^\/widgets\//],
    },
  },
});
