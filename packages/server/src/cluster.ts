import cluster, { type Worker } from 'node:cluster';
import { authOptions, createAuth } from './auth.ts';
import type { ServerConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { migrate } from './db/migrations.ts';
import { seedDemo } from './seed.ts';
import { log as processLog } from './logger.ts';

/*
 * Several server processes on one port (`JC_PROCESSES` > 1), with node:cluster:
 * the primary serves nothing itself; it migrates (and seeds) the database once,
 * then forks the workers, which all listen on the same port (the primary hands
 * each new connection to one of them, round-robin). Nothing a request needs
 * lives in one process's memory — sessions, rate limits, lockouts, used codes and
 * live events are all in the database — so any worker may answer any request.
 */

/** A worker that exits before it listens, or this soon after, counts as failing at start. */
const QUICK_EXIT_MS = 10_000;
/** The longest pause before starting a worker again when they keep failing at start. */
const MAX_RESTART_DELAY_MS = 30_000;
/** How long the workers get to end their streams and finish their requests at shutdown. */
const STOP_GRACE_MS = 10_000;

/**
 * The one-time work before the workers start, so they never race: the
 * migrations and, with `JC_SEED=demo`, the demo data. Returns whether it seeded.
 */
export async function prepareDatabase(config: ServerConfig): Promise<boolean> {
  const db = openDatabase(config.database, config.audit.key);
  try {
    await migrate(db, authOptions(config, db));
    return config.seed === 'demo' ? await seedDemo({ db, auth: createAuth(config, db), config }) : false;
  } finally {
    await db.close();
  }
}

/**
 * Forks `config.processes` workers (each runs this same entry module, with the
 * same Node options and environment); starts another when one exits, after a
 * pause that grows while they keep failing at start; and on SIGTERM or SIGINT
 * asks each to stop (each ends its live streams and finishes its requests),
 * kills any left after a grace period, and exits. `onReady` runs once, when
 * every first worker is listening.
 */
export function superviseProcesses(config: ServerConfig, onReady: () => void): void {
  const log = (line: string) => processLog.info(`[cluster] ${line}`);
  /** The running workers, and when each began to listen (0: not yet). */
  const workers = new Map<Worker, number>();
  let stopping = false;
  let quickExits = 0;
  let restart: NodeJS.Timeout | undefined;
  let pending = config.processes;

  const fork = () => {
    const worker = cluster.fork();
    workers.set(worker, 0);
    log(`process ${worker.process.pid} started`);
  };

  cluster.on('listening', (worker) => {
    workers.set(worker, Date.now());
    log(`process ${worker.process.pid} listening`);
    if (pending > 0 && --pending === 0) onReady();
  });

  cluster.on('exit', (worker, code, signal) => {
    const listened = workers.get(worker) ?? 0;
    workers.delete(worker);
    if (stopping) {
      if (workers.size === 0) {
        log('all processes stopped');
        process.exit(0);
      }
      return;
    }
    quickExits = listened === 0 || Date.now() - listened < QUICK_EXIT_MS ? quickExits + 1 : 0;
    const delay = quickExits === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 500 * 2 ** (quickExits - 1));
    log(`process ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another${delay ? ` in ${delay / 1000} s` : ''}`);
    // One pending restart at a time: it starts as many workers as are missing by then.
    if (restart) return;
    restart = setTimeout(() => {
      restart = undefined;
      for (let i = config.processes - workers.size; i > 0; i--) fork();
    }, delay);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    clearTimeout(restart);
    log(`${signal}: stopping ${workers.size} processes`);
    if (workers.size === 0) process.exit(0);
    for (const worker of workers.keys()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of workers.keys()) worker.process.kill('SIGKILL');
      log('processes still running after the grace period were killed');
      process.exit(1);
    }, STOP_GRACE_MS).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  for (let i = 0; i < config.processes; i++) fork();
}
