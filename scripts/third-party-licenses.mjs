/**
 * A Vite plugin that writes THIRD-PARTY-LICENSES.txt beside the built bundle: the name, version,
 * licence and licence text of every npm package whose code the bundle carries (read from the
 * chunks' module ids), so the copyright notices their licences (MIT, BSD-3-Clause) require go with
 * every copy of the library, in one file, instead of a copy of each inside the scripts every page
 * downloads (the server serves it beside them: /widgets/THIRD-PARTY-LICENSES.txt).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const LICENSES_FILE = 'THIRD-PARTY-LICENSES.txt';

/** The npm package a module id belongs to (its innermost node_modules folder), or null for the project's own code. */
export function packageDir(id) {
  const clean = id.replace(/^\0/, '').split('?')[0].replaceAll('\\', '/');
  const at = clean.lastIndexOf('/node_modules/');
  if (at < 0) return null;
  const rest = clean.slice(at + '/node_modules/'.length).split('/');
  const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  return { name, dir: clean.slice(0, at) + '/node_modules/' + name };
}

function licenseText(dir) {
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  return file ? readFileSync(path.join(dir, file), 'utf8').trim() : null;
}

/** The notices for these packages (name → folder), sorted by name; throws for one without a licence file. */
export function noticesFor(packages) {
  const parts = [...packages].sort(([a], [b]) => a.localeCompare(b)).map(([name, dir]) => {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const text = licenseText(dir);
    if (!text) throw new Error(`${name} has no LICENSE file to copy into ${LICENSES_FILE}`);
    return `${name} ${pkg.version} (${pkg.license})\n${'-'.repeat(72)}\n${text}\n`;
  });
  return `Third-party software in the JusticeConnect Widgets bundle, with the notices its licences require.\n\n${parts.join('\n\n')}`;
}

export function thirdPartyLicenses() {
  return {
    name: 'justiceconnect-third-party-licenses',
    apply: 'build',
    generateBundle(_options, bundle) {
      const packages = new Map();
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        for (const id of chunk.moduleIds) {
          const found = packageDir(id);
          if (found && existsSync(path.join(found.dir, 'package.json'))) packages.set(found.name, found.dir);
        }
      }
      this.emitFile({ type: 'asset', fileName: LICENSES_FILE, source: noticesFor(packages) });
    },
  };
}
