// Types of scripts/chromium.mjs, for TypeScript scripts that drive Chromium themselves (packages/demo/bench/page-weight.ts).

export interface FoundChromium {
  /** The executable. */
  path: string;
  /** Where it came from: "CHROME_PATH", "installed on this machine", "fetched earlier into …". */
  source: string;
}

/** CHROME_PATH, else an installed Chromium or Chrome, else one fetched earlier; undefined when there is none. */
export function findChromium(options?: { places?: string[] }): Promise<FoundChromium | undefined>;
/** A Chromium found, else fetched, else installed from Debian's packages (root only). */
export function ensureChromium(options?: { log?: (line: string) => void; places?: string[] }): Promise<FoundChromium>;
/** What the executable's `--version` says, or ''. */
export function chromiumVersion(file: string): string;
