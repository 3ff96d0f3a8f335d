/**
 * The server process the crash test kills: the real app on a SQLite file,
 * listening on a port it prints, until SIGKILL.
 */
import { serve } from '@hono/node-server';
import { once } from 'node:events';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';

const [dir, file] = process.argv.slice(2);
const app = await createApp(
  loadConfig({
    JC_DATA_DIR: dir!,
    JC_DATABASE_URL: file!,
    JC_LOG_REQUESTS: 'false',
    JC_AUTH_SECRET: 'crash-test-secret-crash-test-secret-crash',
    JC_BASE_URL: 'http://localhost:8787',
    JC_SIGN_IN_RATE_PER_MINUTE: '100000',
    JC_WRITE_RATE_PER_MINUTE: '1000000',
  }),
);
const server = serve({ fetch: app.app.fetch, port: 0, hostname: '127.0.0.1' });
await once(server, 'listening');
process.stdout.write(`PORT ${(server.address() as { port: number }).port}\n`);
