import { Worker } from 'node:worker_threads';

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

const WORKER = `
  const { parentPort, workerData } = require('node:worker_threads');
  const http = require('node:http');
  const { urls, headers, connections, seconds, rate, expect } = workerData;
  const agent = new http.Agent({ keepAlive: true, maxSockets: rate ? 1024 : connections });
  const targets = urls.map((u) => new URL(u));
  const latencies = [];
  const statuses = {};
  let errors = 0;
  let sent = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  function one(target, t0) {
    return new Promise((resolve) => {
      const req = http.get({ host: target.hostname, port: target.port, path: target.pathname + target.search, agent, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          if (res.statusCode !== expect) errors++;
          latencies.push(performance.now() - t0);
          resolve();
        });
      });
      req.on('error', () => { errors++; resolve(); });
    });
  }
  function finish() {
    const took = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
    parentPort.postMessage({ requests: latencies.length, seconds: took, rps: latencies.length / took, p50: q(0.5), p99: q(0.99), errors, statuses });
    agent.destroy();
  }
  if (rate) {
    // Open loop: request i is due at started + i / rate whatever happened to
    // the others, and its latency counts from when it was due (so a stall
    // shows up in every request it delayed, not just the one that stalled).
    const pending = [];
    const tick = () => {
      const now = performance.now();
      while (sent < rate * seconds && started + (sent * 1000) / rate <= now) {
        const due = started + (sent * 1000) / rate;
        pending.push(one(targets[sent % targets.length], due));
        sent++;
      }
      if (sent < rate * seconds) setImmediate(tick);
      else Promise.all(pending).then(finish);
    };
    tick();
  } else {
    // Closed loop: each connection sends its next request when the last one answered.
    async function loop(k) { const target = targets[k % targets.length]; while (performance.now() < end) await one(target, performance.now()); }
    Promise.all(Array.from({ length: connections }, (_, k) => loop(k))).then(finish);
  }
`;

function run(workerData: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData });
    worker.once('message', (m: LoadResult) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', reject);
  });
}

/**
 * A closed-loop HTTP load: `connections` loops, each sending the next request
 * when the last answered, for `seconds`, from a worker thread (its own event
 * loop, so the server's thread only serves). Several URLs (several server
 * processes) share the connections round-robin. Returns requests/s and latency.
 */
export function load(url: string | string[], headers: Record<string, string>, connections = 32, seconds = 5, expect = 200): Promise<LoadResult> {
  return run({ urls: [url].flat(), headers, connections, seconds, rate: 0, expect });
}

/** An open-loop load: `rate` requests a second, on schedule, however slowly they are answered. */
export function loadAtRate(url: string | string[], headers: Record<string, string>, rate: number, seconds = 5, expect = 200): Promise<LoadResult> {
  return run({ urls: [url].flat(), headers, connections: 0, seconds, rate: Math.max(1, Math.round(rate)), expect });
}
