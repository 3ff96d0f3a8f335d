import minifyHTMLLiterals from '@lit-labs/rollup-plugin-minify-html-literals';
import { defaultStrategy } from '@lit-labs/rollup-plugin-minify-html-literals/lib/strategy.js';
import { cpSync } from 'node:fs';
import { defineConfig } from 'vite';
import { precompress } from '../../scripts/precompress.mjs';
import { thirdPartyLicenses } from '../../scripts/third-party-licenses.mjs';

/**
 * The plugin's html-minifier settings, with three changes. Empty attributes
 * stay (value="" on an <option> and alt="" mean something). Self-closing
 * slashes stay: an svg`` template is a fragment without its <svg>, which
 * html-minifier reads as HTML, where <path/> is only an open tag, so the next
 * shape would be parsed inside it and never drawn. And html-minifier
 * trims a template's outer whitespace as if it were a whole document, but a
 * Lit template is often a fragment inside text
 * (html` ${msg('Add the first one below.')}`): whitespace at either end is
 * kept, as one space, so the built widgets read exactly as the source does.
 */
const fragmentStrategy: typeof defaultStrategy = {
  ...defaultStrategy,
  async minifyHTML(html, options) {
    const min = await defaultStrategy.minifyHTML(html, { ...options, removeEmptyAttributes: false, keepClosingSlash: true });
    const lead = /^\s/.test(html) && !/^\s/.test(min) ? ' ' : '';
    const trail = /\s$/.test(html) && !/\s$/.test(min) ? ' ' : '';
    return lead + min + trail;
  },
};

/**
 * The library build: ES modules, one entry per widget and one that defines
 * them all (`justiceconnect.js`, the file a portal's script tag loads).
 * Lit and the other dependencies are bundled in, so the script tag needs nothing else.
 * Bundle sizes are checked against the budgets by `npm run test:size`.
 */
/** The modules of the shared core chunk (paths as the bundler sees them, with forward slashes). */
const CORE = [
  /\/node_modules\/@lit\/context\/lib\/(context-request-event|create-context|controllers\/context-consumer)\.js$/,
  /\/node_modules\/@lit\/reactive-element\/(css-tag|reactive-element|decorators\/(custom-element|property|state))\.js$/,
  /\/node_modules\/lit-html\/lit-html\.js$/,
  /\/node_modules\/lit-element\/lit-element\.js$/,
  /\/node_modules\/lit\/(index|decorators)\.js$/,
  // The TypeScript decorators helper every element calls.
  /@oxc-project\+runtime@[^/]+\/helpers\/esm\/decorate\.js$/,
  /\/node_modules\/@lit\/localize\//,
  /\/node_modules\/zod\/v4\/(core|mini)\//,
  // The client's transport, session and live events; each resource's endpoints and schemas go with the widgets that name them.
  /\/src\/api\/(transport|session|events|paths|base-schemas)\.ts$/,
  /\/src\/(context|shared\/(localization|announcer|account-states|events)|styles\/(themes|tokens)|generated\/locale-codes)\.ts$/,
];

export default defineConfig({
  plugins: [
    {
      // The markup and styles inside html`` and css`` templates, minified (before TypeScript is stripped).
      ...minifyHTMLLiterals({
        include: ['src/**/*.ts'],
        exclude: ['src/**/*.test.ts', 'src/**/*.stories.ts', 'src/testing/**'],
        failOnError: true,
        options: { strategy: fragmentStrategy },
      }),
      enforce: 'pre',
    },
    {
      // The example themes (themes/*.css) go with the library, so a portal's page can link the
      // server's copy: <link rel="stylesheet" href="https://jc.example.gov/widgets/themes/uswds.css">.
      name: 'justiceconnect-themes',
      apply: 'build',
      closeBundle() {
        cpSync('themes', 'dist/themes', { recursive: true });
      },
    },
    // The licences of the packages bundled in, in one file beside the scripts (their notices are not repeated inside each chunk).
    thirdPartyLicenses(),
    // Brotli and gzip copies beside every built file (the themes included), for the server and nginx to send as they are.
    precompress(),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Source maps are written beside the scripts but not named in them: the `//# sourceMappingURL=` comment
    // cost every visitor some 35 B gzip a file (1 KB across the library) for what only developer tools read.
    // The server names each script's map in a `SourceMap` header instead (as deploy/nginx.conf does).
    sourcemap: 'hidden',
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
      output: {
        // Two shared chunks by name instead of what automatic splitting makes of them: left to itself the
        // bundler cut the core into five files (Lit with zod, the transport, localize, the kernel, one
        // lit-html helper) by which entries import what, and each file costs its own request and compresses alone.
        codeSplitting: {
          groups: [
            {
              // What every widget loads first: Lit's element, decorators and context consumer, localize, zod's
              // core and mini schemas, the API client, session and live events, the themes' values.
              name: 'core',
              priority: 20,
              test: (id: string) => CORE.some((re) => re.test(id.replaceAll('\\', '/'))),
            },
            {
              // What a Spanish reader loads, in one file (shared/spanish.ts: the catalogue and the error codes'
              // texts; an English reader loads neither): one request, one compression instead of two, and one
              // file name fewer in the core chunk.
              name: 'es',
              priority: 15,
              test: /[\\/]src[\\/](generated[\\/](locales[\\/]es|error-ids)|api[\\/]error-lookup|shared[\\/]spanish)\.ts$/,
            },
            {
              // The widget kernel, which the widgets built on it share (the provider and sign-in do not load it).
              name: 'kernel',
              priority: 10,
              test: /[\\/]node_modules[\\/]@lit[\\/]task[\\/]|[\\/]src[\\/]kernel[\\/][^\\/]+\.ts$/,
            },
          ],
        },
        chunkFileNames: (chunk) =>
          chunk.moduleIds.some((id) => /[\\/]src[\\/]api[\\/]transport\.ts$/.test(id))
            ? 'chunks/core-[hash].js'
            : 'chunks/[name]-[hash].js',
        // Vite keeps whitespace in an ES library (for its consumers' tree-shaking);
        // these files are what browsers download from a script tag, so they are fully minified,
        // without the /* @__PURE__ */ annotations the minifier otherwise keeps (some 500 in the
        // core chunk alone, one at every zod call): the build has already dropped what they mark
        // as unused, and an app that bundles the package still keeps only the entries it imports.
        minify: true,
        // Legal comments too: Lit's, @lit/*'s and the others' copyright notices (one in each of their
        // modules, some 0.6 KB gzip across the chunks, paid again by every page) are in
        // THIRD-PARTY-LICENSES.txt, which goes beside the scripts wherever they are served from.
        comments: { legal: false, annotation: false, jsdoc: false },
      },
    },
  },
});
