import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Status codes seen, with counts. */
  statuses: Record<string, number>;
}

const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/** What autocannon's `--json` prints (the parts read here). */
interface AutocannonJson {
  duration: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p99: number };
  requests: { total: number };
}

/**
 * One autocannon run against `url`, in its own process (`node autocannon.js
 * --json`): the load never shares a process, an event loop or a V8 heap with
 * a server, nor with this script. Several URLs (several server processes)
 * get one autocannon each, started together, with the connections (and a
 * rate) split between them; their counts add up.
 */
async function autocannon(urls: string[], headers: Record<string, string>, connections: number, seconds: number, rate: number, expect: number): Promise<LoadResult> {
  const runs = await Promise.all(
    urls.map((url, i) => {
      const share = (total: number) => Math.floor(total / urls.length) + (i < total % urls.length ? 1 : 0);
      const args = [AUTOCANNON, '--json', '-c', String(Math.max(1, share(connections))), '-d', String(seconds)];
      // An open loop at a fixed rate: autocannon corrects for coordinated omission (a late answer's wait counts).
      if (rate > 0) args.push('-R', String(Math.max(1, share(rate))));
      for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
      args.push(url);
      return new Promise<AutocannonJson>((resolve, reject) => {
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.once('error', reject);
        child.once('exit', (code) => {
          try {
            resolve(JSON.parse(out) as AutocannonJson);
          } catch {
            reject(new Error(`autocannon exited ${code}: ${err.slice(-500)}`));
          }
        });
      });
    }),
  );
  const statuses: Record<string, number> = {};
  let requests = 0;
  let errors = 0;
  for (const r of runs) {
    for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {})) {
      statuses[code] = (statuses[code] ?? 0) + count;
      requests += count;
      if (Number(code) !== expect) errors += count;
    }
    errors += r.errors + r.timeouts;
  }
  const took = Math.max(...runs.map((r) => r.duration));
  // With several runs the latency quantiles are the worst of them (each run's own distribution).
  return {
    requests,
    seconds: took,
    rps: requests / took,
    p50: Math.max(...runs.map((r) => r.latency.p50)),
    p99: Math.max(...runs.map((r) => r.latency.p99)),
    errors,
    statuses,
  };
}

/**
 * A closed-loop HTTP load: `connections` connections, each sending its next
 * request when the last answered, for `seconds`, from autocannon in its own
 * process. Returns requests/s and latency.
 */
export function load(url: string | string[], headers: Record<string, string>, connections = 32, seconds = 5, expect = 200): Promise<LoadResult> {
  return autocannon([url].flat(), headers, connections, seconds, 0, expect);
}

/** An open-loop load: `rate` requests a second in all, on schedule, over `connections` connections; latency corrected for coordinated omission. */
export function loadAtRate(url: string | string[], headers: Record<string, string>, rate: number, seconds = 5, expect = 200, connections = 32): Promise<LoadResult> {
  return autocannon([url].flat(), headers, connections, seconds, Math.max(1, Math.round(rate)), expect);
}
