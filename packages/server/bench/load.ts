import { Worker } from 'node:worker_threads';

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/**
 * A closed-loop HTTP load: `connections` loops, each sending the next request
 * when the last answered, for `seconds`, from a worker thread (its own event
 * loop, so the server's thread only serves). Returns requests/s and latency.
 */
export function load(url: string, headers: Record<string, string>, connections = 32, seconds = 5): Promise<LoadResult> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const http = require('node:http');
    const { url, headers, connections, seconds } = workerData;
    const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
    const target = new URL(url);
    const latencies = [];
    let errors = 0;
    const end = Date.now() + seconds * 1000;
    function one() {
      return new Promise((resolve) => {
        const t0 = performance.now();
        const req = http.get({ host: target.hostname, port: target.port, path: target.pathname + target.search, agent, headers }, (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 200) errors++;
            latencies.push(performance.now() - t0);
            resolve();
          });
        });
        req.on('error', () => { errors++; resolve(); });
      });
    }
    async function loop() { while (Date.now() < end) await one(); }
    const started = performance.now();
    Promise.all(Array.from({ length: connections }, loop)).then(() => {
      const took = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
      parentPort.postMessage({ requests: latencies.length, seconds: took, rps: latencies.length / took, p50: q(0.5), p99: q(0.99), errors });
      agent.destroy();
    });
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { url, headers, connections, seconds } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}
