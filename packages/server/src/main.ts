import { serve } from '@hono/node-server';
import cluster from 'node:cluster';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.ts';
import { banner } from './banner.ts';
import { prepareDatabase, superviseProcesses } from './cluster.ts';
import { ConfigError, loadConfig, type ServerConfig } from './config.ts';
import { describeDemoAccounts, seedDemo } from './seed.ts';
import { createLogger, errField, log, setProcessLogger } from './logger.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const packages = path.resolve(here, '../..');

/**
 * One server process: the app on the port until SIGTERM or SIGINT. With
 * `JC_PROCESSES` > 1 this runs in each cluster worker (the primary did the
 * migrations and the seed already, and prints the banner).
 */
async function serveProcess(config: ServerConfig, worker: boolean) {
  const server = await createApp(config, {
    widgets: path.join(packages, 'components/dist'),
    demo: path.join(packages, 'demo/dist'),
  });
  if (!worker && config.seed === 'demo') {
    const seeded = await seedDemo(server.services);
    if (seeded) log.info('Seeded demo agencies and users.');
    // (Help text for a demo's user, not a log line: the demo accounts' known passwords are not logged.)
    console.log(describeDemoAccounts());
  }
  const http = serve({ fetch: server.app.fetch, port: config.port, hostname: config.host }, () => {
    if (!worker) log.info(banner(config));
  });
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), 5000).unref();
    // Take no new connections; end the live-event streams now (they receive `end` with
    // reason `shutdown`, and their clients reconnect with Last-Event-ID, to another process
    // behind the same port or proxy); let requests in flight finish; then close the database.
    const drained = new Promise<void>((resolve) => http.close(() => resolve()));
    void server.services.events.hub
      .close()
      .then(async () => {
        if ('closeIdleConnections' in http) setTimeout(() => http.closeIdleConnections(), 50).unref();
        await drained;
        await server.close();
      })
      .catch((err) => log.error({ err: errField(err) }, '[shutdown] could not shut down cleanly'))
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

async function main() {
  const config = loadConfig();
  // Start-up, shutdown and the cluster supervisor log at the configured level too.
  setProcessLogger(createLogger({ level: config.logLevel }));
  if (cluster.isWorker) return serveProcess(config, true);
  if (config.processes === 1) return serveProcess(config, false);
  // Several processes on one port: the one-time work (migrations, the demo seed) happens here, once, before any fork.
  const seeded = await prepareDatabase(config);
  if (seeded) log.info('Seeded demo agencies and users.');
  if (config.seed === 'demo') console.log(describeDemoAccounts());
  superviseProcesses(config, () => log.info(banner(config)));
}

main().catch((err) => {
  if (err instanceof ConfigError) log.fatal(err.message);
  else log.fatal({ err: errField(err) }, 'the server could not start');
  process.exit(1);
});
