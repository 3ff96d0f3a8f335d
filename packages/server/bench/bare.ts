/** The baseline the API benchmarks divide by: a bare Hono route on @hono/node-server, in its own process. */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono().get('/bare', (c) => c.json({ ok: true }));
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
