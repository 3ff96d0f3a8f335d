import { defineConfig } from 'vite';

/**
 * The library build: ES modules, one entry per widget and one that defines
 * them all (`justiceconnect.js`, the file a portal's script tag loads).
 * Lit and the other dependencies are bundled in, so the script tag needs nothing else.
 */
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    minify: true,
    lib: {
      entry: {
        justiceconnect: 'src/index.ts',
        provider: 'src/provider/provider.ts',
        'sign-in': 'src/sign-in/sign-in.ts',
        'community-list': 'src/community-list/community-list.ts',
        'community-feed': 'src/community-feed/community-feed.ts',
        forum: 'src/forum/forum.ts',
        'forum-thread': 'src/forum-thread/forum-thread.ts',
        'activity-tracker': 'src/activity-tracker/activity-tracker.ts',
        'my-todos': 'src/my-todos/my-todos.ts',
        'service-directory': 'src/service-directory/service-directory.ts',
        announcements: 'src/announcements/announcements.ts',
      },
      formats: ['es'],
    },
    rollupOptions: {
      output: { chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
