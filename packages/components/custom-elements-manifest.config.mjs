/**
 * The custom elements manifest (`dist/custom-elements.json`, the package's
 * `customElements` field), written by `npm run build` after the library
 * build (or alone by `npm run analyze`) and read by Storybook's docs pages.
 * It comes from the source: the Lit `@property` declarations (with the
 * JSDoc on each) and the JSDoc on each element class (`@fires`, `@slot`,
 * `@csspart`, `@cssprop`). It is generated, never committed (dist/ is
 * ignored); manifest/manifest.test.ts checks it against the source.
 */
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.stories.ts', 'src/testing/**', 'size/**', 'bench/**', 'manifest/**'],
  outdir: 'dist',
  litelement: true,
  // package.json names the manifest itself; the analyzer must not rewrite it.
  packagejson: false,
  plugins: [publicApiOnly()],
};

/**
 * Keeps classes' public API only: private and protected members (`#field`,
 * `private`/`protected`, Lit's `@state()` fields and lifecycle overrides) and
 * static ones (`styles`) are implementation, not what a page uses, and
 * Storybook would list every member as a control.
 */
function publicApiOnly() {
  return {
    name: 'jc-public-api-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules ?? []) {
        for (const decl of mod.declarations ?? []) {
          if (decl.kind !== 'class' || !decl.members) continue;
          decl.members = decl.members.filter(
            (m) => !m.static && !m.name.startsWith('#') && (m.privacy ?? 'public') === 'public',
          );
        }
      }
    },
  };
}
