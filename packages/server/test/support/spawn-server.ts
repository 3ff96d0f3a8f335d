import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/*
 * A JusticeConnect server as a child process on a free port: the one way the
 * tests that need real processes (scale-out, concurrency, uploads), the e2e
 * journey and the page-weight benchmark start one, from source or built.
 */

/** A port free right now on 127.0.0.1 (the probe is closed again, so it may be taken before it is bound: see spawnServer). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

export interface SpawnedServer {
  child: ChildProcess;
  port: number;
  /** http://127.0.0.1:PORT */
  base: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Waits until its output matches `pattern` (or it exits, or `ms` pass). */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then its exit code (SIGKILL if it has not exited after `ms`). */
  stop(ms?: number): Promise<number | null>;
}

export interface SpawnOptions {
  /** Node's arguments: the server's main file, after any `--import tsx`. */
  args: string[];
  /** The whole environment, given the port chosen. */
  env(port: number): Record<string, string | undefined>;
  cwd?: string;
  /** Printed when it is ready to serve. */
  ready: RegExp;
  readyMs: number;
  /** Each chunk it prints, as it prints it (a log file). */
  onOutput?(chunk: Buffer): void;
}

/**
 * Starts the server and waits for `ready`. freePort() closes its probe before
 * the server binds, so another process can take the port in between: a server
 * that exits with EADDRINUSE is started again on another port (twice at most).
 */
export async function spawnServer(o: SpawnOptions): Promise<SpawnedServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnOn(await freePort(), o);
    } catch (err) {
      if (attempt >= 3 || !/EADDRINUSE/.test(String(err))) throw err;
    }
  }
}

async function spawnOn(port: number, o: SpawnOptions): Promise<SpawnedServer> {
  const child = spawn(process.execPath, o.args, { cwd: o.cwd, env: o.env(port), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const changed = new Set<() => void>();
  const append = (d: Buffer) => {
    out += d.toString();
    o.onOutput?.(d);
    changed.forEach((f) => f());
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => (changed.forEach((f) => f()), resolve(code))));
  const server: SpawnedServer = {
    child,
    port,
    base: `http://127.0.0.1:${port}`,
    output: () => out,
    async waitFor(pattern, ms = 20_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = out.match(pattern);
        if (m) return m;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before ${pattern}:\n${out}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${pattern}:\n${out}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, left);
          function done() {
            clearTimeout(timer);
            changed.delete(done);
            resolve();
          }
          changed.add(done);
        });
      }
    },
    async stop(ms = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  try {
    await server.waitFor(o.ready, o.readyMs);
  } catch (err) {
    await server.stop(1000);
    throw err;
  }
  return server;
}
