import { serve } from '@hono/node-server';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { describeDemoAccounts, seedDemo } from './seed.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const packages = path.resolve(here, '../..');

async function main() {
  const config = loadConfig();
  const server = await createApp(config, {
    widgets: path.join(packages, 'components/dist'),
    demo: path.join(packages, 'demo/dist'),
  });
  if (config.seed === 'demo') {
    const seeded = await seedDemo(server.services);
    if (seeded) console.log('Seeded demo agencies and users.');
    console.log(describeDemoAccounts());
  }
  const http = serve({ fetch: server.app.fetch, port: config.port, hostname: config.host }, () => {
    console.log(`JusticeConnect on ${config.baseUrl} (database: ${config.database.kind})`);
    console.log(`  demo portal  ${config.baseUrl}/`);
    console.log(`  widgets      ${config.baseUrl}/widgets/justiceconnect.js`);
    console.log(`  API          ${config.baseUrl}/api/v1  (OpenAPI: ${config.baseUrl}/api/openapi.json)`);
  });
  const shutdown = () => {
    http.close(() => void server.close().then(() => process.exit(0)));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
