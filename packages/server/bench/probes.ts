/**
 * What a health check costs as a server's life goes on, on one server process measured back to back:
 * fresh (it has answered nothing else), after one call into better-auth (whose AsyncLocalStorage, on
 * Node 20, would keep an async hook on every promise of the process if it stayed enabled:
 * src/auth-scope.ts), and after it has answered 1,000 requests to five other routes (V8's inline
 * caches in the shared request path then see many handlers). Ratios are to the bare route's (bench/bare.ts),
 * the higher of its two measurements, one at the start and one at the end.
 *
 *   npm run bench:probes    (JC_BENCH_RUNS=3 for three runs)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load } from './load.ts';
import { serverProcess } from './session.ts';

const SECONDS = Number(process.env.JC_BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.JC_BENCH_RUNS ?? 1);
const OTHERS = ['/api/v1/me', '/api/v1/communities', '/api/v1/services', '/api/v1/announcements', '/nowhere'];

console.log(`# probes: ${SECONDS} s a measurement, 32 connections from autocannon in its own process; each server its own process`);
for (let run = 1; run <= RUNS; run++) {
  const dir = mkdtempSync(path.join(tmpdir(), 'jc-bench-probes-'));
  const bare = await serverProcess({}, { script: 'bare.ts', ready: /listening/ });
  const server = await serverProcess({ JC_DATA_DIR: dir });
  try {
    const health = `${server.url}/api/v1/health`;
    const bareStart = await load(`${bare.url}/bare`, {}, 32, SECONDS);
    const fresh = await load(health, {}, 32, SECONDS);
    await (await fetch(`${server.url}/api/auth/get-session`)).text();
    const afterAuth = await load(health, {}, 32, SECONDS);
    // (A session cookie that names nothing: each request is answered 401 after asking better-auth.)
    for (let i = 0; i < 200; i++) for (const p of OTHERS) await (await fetch(server.url + p, { headers: { cookie: 'better-auth.session_token=none.none' } })).text();
    const afterOthers = await load(health, {}, 32, SECONDS);
    const bareEnd = await load(`${bare.url}/bare`, {}, 32, SECONDS);
    const top = Math.max(bareStart.rps, bareEnd.rps);
    const line = (label: string, rps: number) => console.log(`${label.padEnd(58)} ${rps.toFixed(0).padStart(6)} req/s  ratio to bare ${(rps / top).toFixed(3)}`);
    console.log(`# run ${run} of ${RUNS}: bare at the start ${bareStart.rps.toFixed(0)} req/s, at the end ${bareEnd.rps.toFixed(0)} req/s`);
    line('health, on a server that has answered nothing else', fresh.rps);
    line('health, after one call into better-auth', afterAuth.rps);
    line('health, after 1,000 requests to five other routes', afterOthers.rps);
  } finally {
    await server.stop();
    await bare.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
