import { OpenAPIHono } from '@hono/zod-openapi';
import { betterAuth } from 'better-auth';
import type { MiddlewareHandler } from 'hono';
import type { DestinationStream } from 'pino';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { csrf } from 'hono/csrf';
import { secureHeaders } from 'hono/secure-headers';
import { existsSync } from 'node:fs';
import { authOptions } from './auth.ts';
import { scoped } from './auth-scope.ts';
import type { ServerConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { migrate } from './db/migrations.ts';
import type { AppEnv, Services } from './http/context.ts';
import { CredentialCache } from './http/credentials.ts';
import { edge, headersOf } from './http/edge.ts';
import { hashedUnder, serveFiles } from './http/static-files.ts';
import { errorResponse, handleError } from './http/errors.ts';
import { createRouter } from './http/router.ts';
import { authRoutes } from './routes/auth.ts';
import { health } from './routes/health.ts';
import { me } from './routes/me.ts';
import { agencies } from './routes/agencies.ts';
import { communities } from './communities/routes.ts';
import { users } from './routes/users.ts';
import { events } from './routes/events.ts';
import { invitations } from './communities/invitations.ts';
import { FILE_LIMIT_BYTES } from './data/files.ts';
import { posts } from './posts/routes.ts';
import { postFiles } from './posts/files.ts';
import { forums } from './forums/routes.ts';
import { forumFlags } from './forums/flags.ts';
import { replies } from './forums/replies.ts';
import { activities } from './activities/routes.ts';
import { services as serviceRoutes } from './services/routes.ts';
import { accessRequests } from './services/access-requests.ts';
import { announcements } from './announcements/routes.ts';
import { systemClock, type Clock } from './clock.ts';
import { Scheduler } from './schedule.ts';
import { auditRequests, markKeyedChain } from './audit.ts';
import { auditKeysOf, CheckpointWriter } from './audit-chain.ts';
import { registerSettler, settleWrites } from './audit-outbox.ts';
import { WriteOrder } from './events/write-order.ts';
import { checkOrigin, limitWrites, refuseNul, requireBearerOrigin, requireSecondFactorAndNotice } from './security.ts';
import { NOTICE, notice } from './routes/notice.ts';
import { session } from './routes/session.ts';
import { auditRoutes } from './routes/audit.ts';
import { federation } from './federation/routes.ts';
import { identityProviders } from './federation/admin.ts';
import { applyProvidersFile } from './federation/queries.ts';
import { exceptSamlAcs } from './federation/saml-routes.ts';
import { exceptBackchannelLogout } from './federation/backchannel.ts';
import { inProcessBus, postgresBus } from './events/bus.ts';
import { EventHub } from './events/hub.ts';
import { startPruning } from './events/events.ts';
import { createLogger, errField } from './logger.ts';
import { isAllowed, Metrics, tokenMatches } from './metrics.ts';
import { origin } from './audit.ts';
import { openFileStore } from './data/file-store.ts';
import { FeedPageCache } from './posts/page-cache.ts';

export interface StaticRoots {
  /** The built widget library, served at /widgets/ to any origin. */
  widgets?: string;
  /** The built demo portal pages, served at /. */
  demo?: string;
}

export interface JusticeConnectApp {
  app: OpenAPIHono<AppEnv>;
  services: Services;
  close(): Promise<void>;
}

/**
 * Builds the whole server: opens and migrates the database, sets up
 * better-auth, and mounts every resource. The runtime, the server tests and
 * the element tests all use this one factory.
 */
export async function createApp(config: ServerConfig, roots: StaticRoots = {}, extra: { clock?: Clock; logDestination?: DestinationStream } = {}): Promise<JusticeConnectApp> {
  const clock = extra.clock ?? systemClock;
  // The app's logger (JSON lines, config.logLevel); tests pass a destination to read its lines.
  const log = createLogger({ level: config.logLevel, destination: extra.logDestination });
  // Every timestamp the database stores comes from this clock (db/database.ts `now`), as every decision's does.
  const db = openDatabase(config.database, config.audit.key, clock);
  const options = authOptions(config, db);
  let keyedNow: boolean;
  let fileAudited = false;
  try {
    await migrate(db, options);
    // A log begun before the audit key is marked where its keyed chain starts (audit-chain.ts).
    keyedNow = await markKeyedChain(db.kysely);
    // Identity providers the deployment lists in JC_IDENTITY_PROVIDERS_FILE (checked by loadConfig).
    const applied = await applyProvidersFile(db.kysely, config.authSecret, config.identityProviders);
    fileAudited = applied.audited;
    const { refused } = applied;
    if (refused.length > 0) log.error({ refused }, '[federation] not applied from the providers file (an administrator registered that id or issuer)');
  } catch (err) {
    await db.close();
    throw err;
  }
  // (Every call into it counted: its AsyncLocalStorage is on only while one runs, auth-scope.ts.)
  const auth = scoped(betterAuth(options));
  // PostgreSQL: events are numbered and audit entries chained by this process's WriteOrder, with no lock in the writers.
  let order: WriteOrder | null = null;
  const bus = db.dialect.kind === 'postgres' ? postgresBus(config.database.url, () => order?.settle() ?? Promise.resolve()) : inProcessBus(config.database.url, db.kysely);
  const hub = new EventHub(db.kysely, bus);
  if (db.dialect.kind === 'postgres') {
    order = new WriteOrder(config.database.url, auditKeysOf(db.kysely)!, () => void hub.wake());
    registerSettler(db.kysely, order);
    // The providers file disabled a provider: its audit rows chained, and its ended sessions' events
    // numbered now, so other processes' streams of those sessions end at once (pg_notify).
    if (fileAudited) await order.settle();
  }
  await hub.start();
  const pruner = startPruning(db.kysely, config.eventRetentionHours);
  const checkpoints = new CheckpointWriter(db.kysely, auditKeysOf(db.kysely)!, config.audit.checkpoints, clock, () => settleWrites(db.kysely));
  // Where uploaded files' bytes live (JC_FILE_STORE: the data folder, the database, or a bucket).
  const files = await openFileStore(config, db.kysely);
  const schedule = new Scheduler(db.kysely, clock, bus, { store: files, dataDir: config.dataDir, unattachedHours: config.uploads.unattachedHours }, checkpoints);
  schedule.start(config.scheduleSeconds, config.healthCheckSeconds, config.audit.checkpointSeconds);
  // The point where the chain became keyed is signed outside the database at once.
  if (keyedNow) await schedule.checkpoint();
  // /metrics is on when a token or an address list may read it; otherwise nothing is recorded.
  const metricsOn = config.metrics.token !== null || config.metrics.allow !== null;
  const pool = db.pool;
  const metrics = metricsOn
    ? new Metrics({
        openStreams: () => hub.subscribers.size,
        pool: pool && (() => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount })),
        auditOutboxDepth:
          db.dialect.kind === 'postgres'
            ? async () => Number((await db.kysely.selectFrom('audit_outbox').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n)
            : undefined,
      })
    : null;
  if (metrics) hub.onDelivered = (event) => metrics.delivered((clock.now().getTime() - Date.parse(event.createdAt)) / 1000);
  const services: Services = { config, db, files, auth, events: { hub, bus }, clock, schedule, credentials: new CredentialCache(), log, metrics, pageCache: config.pageCache ? new FeedPageCache() : null };
  const allowedOrigins = [config.baseUrl, ...config.trustedOrigins];

  const app = new OpenAPIHono<AppEnv>();
  app.onError(handleError);
  app.notFound((c) => errorResponse(c, 404, 'NOT_FOUND', `Nothing at ${c.req.path}.`));
  // The widget bundle must load from any portal's page: a cross-origin resource policy (Hono's default
  // `same-origin` would block it), and CORS for module scripts (below).
  const security = await headersOf(
    secureHeaders({
      crossOriginResourcePolicy: 'cross-origin',
      crossOriginEmbedderPolicy: false,
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'self'", ...config.trustedOrigins],
      },
    }),
  );
  // The API's JSON answers are never documents: a browser applies none of the document-only headers
  // (COOP, Origin-Agent-Cluster, DNS prefetch, …) to them, and they get a policy that forbids everything,
  // framing included (OWASP's REST set). Each such header was written and parsed on every request.
  const apiSecurity = await headersOf(
    secureHeaders({
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      crossOriginResourcePolicy: 'cross-origin',
      crossOriginEmbedderPolicy: false,
      crossOriginOpenerPolicy: false,
      originAgentCluster: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
      xFrameOptions: 'DENY',
    }),
  );
  const exposed = ['set-auth-token', 'ETag'];
  // First and last: the request id and logger, these headers on every answer (a header an answer set
  // itself stands: only the federation popup's do, federation/popup.ts: their own script's CSP hash, and
  // a COOP that keeps window.opener so the credential can be posted back), CORS on the API's answers, the
  // API's JSON (ETag, compression), the access line and the request metrics (http/edge.ts).
  app.use('*', edge({ services, log, metrics, logRequests: config.logRequests, security, apiSecurity, allowedOrigins, exposed }));
  // Prometheus text, for the configured token or an allowed address only; without either it is not there.
  app.get('/metrics', async (c) => {
    if (!metrics) return errorResponse(c, 404, 'NOT_FOUND', `Nothing at ${c.req.path}.`);
    const { token, allow } = config.metrics;
    const byToken = token !== null && tokenMatches(token, c.req.header('authorization'));
    if (!byToken && !(allow && isAllowed(allow, origin(c).ip))) return errorResponse(c, 403, 'FORBIDDEN', 'Not allowed to read the metrics.');
    return metrics.answer(c);
  });

  // Health, liveness and readiness come before the API's middleware, none of which applies to them: no
  // session, no body, no input, nothing to forge or audit (a load balancer asks many times a second).
  app.route('/api/v1/health', health);

  app.use('/widgets/*', cors({ origin: '*', allowMethods: ['GET', 'HEAD'] }));
  // Preflights: Hono's cors. An actual request's CORS headers are set with its answer (http/edge.ts).
  const preflight = cors({
    origin: (origin) => (allowedOrigins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
    allowHeaders: ['Content-Type', 'Authorization', 'Last-Event-ID', 'X-JC-Background', 'If-None-Match'],
    exposeHeaders: exposed,
    maxAge: 600,
  });
  app.use('/api/*', (c, next) => (c.req.method === 'OPTIONS' ? preflight(c, next) : next()));
  // Every write and every denial is recorded (after the answer is decided, so CSRF and size refusals count too).
  app.use('/api/*', auditRequests);
  // (The SAML ACS is posted to by the IdP's page on its own site: its signed, one-time answer is its check.)
  // (So is the OIDC back-channel logout, which the IdP posts server to server: its signed, one-time token is its check.)
  // (Both look only at requests that change something: a GET, HEAD or OPTIONS passes at once.)
  const forgery = exceptSamlAcs(exceptBackchannelLogout(csrf({ origin: allowedOrigins })));
  const origins = exceptSamlAcs(exceptBackchannelLogout(checkOrigin(allowedOrigins)));
  const safe = (c: { req: { method: string } }) => c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS';
  app.use('/api/*', (c, next) => (safe(c) ? next() : forgery(c, async () => void (await origins(c, next)))));
  app.use('/api/*', requireBearerOrigin(config.trustedOrigins));
  // JSON bodies are small; file uploads get their own, larger limit.
  const jsonLimit = bodyLimit({
    maxSize: config.bodyLimit,
    onError: (c) => errorResponse(c, 413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${config.bodyLimit} bytes.`),
  });
  // An upload is not buffered here (bodyLimit reads a body without Content-Length into memory):
  // a declared length over the limit is refused at once, and the route counts the rest as it streams.
  const uploadLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (Number(c.req.header('content-length') ?? 0) > FILE_LIMIT_BYTES + 64 * 1024) {
      return errorResponse(c, 413, 'FILE_TOO_LARGE', `Files may be at most ${FILE_LIMIT_BYTES / 1024 / 1024} MB.`, { file: 'Too large' });
    }
    await next();
  };
  // (Only requests that carry a body: looking at a GET's body makes the node adapter build a whole Request.)
  app.use('/api/*', (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS'
      ? next()
      : /^\/api\/v1\/communities\/[^/]+\/files$/.test(c.req.path)
        ? uploadLimit(c, next)
        : jsonLimit(c, next),
  );

  // Nothing answers a session without a confirmed authenticator and an accepted system-use notice.
  app.use('/api/v1/*', requireSecondFactorAndNotice(NOTICE.version));
  app.use('/api/v1/*', limitWrites);
  app.use('/api/*', refuseNul);
  app.route('/api/auth', authRoutes);
  const v1 = createRouter()
    .route('/notice', notice)
    .route('/session', session)
    .route('/me', me)
    .route('/agencies', agencies)
    .route('/users', users)
    .route('/communities', communities)
    .route('/communities', invitations)
    .route('/events', events)
    .route('/', posts)
    .route('/', postFiles)
    .route('/', forums)
    .route('/', replies)
    .route('/', forumFlags)
    .route('/', activities)
    .route('/', serviceRoutes)
    .route('/', accessRequests)
    .route('/', announcements)
    .route('/audit', auditRoutes)
    .route('/federation', federation)
    .route('/identity-providers', identityProviders);
  app.route('/api/v1', v1);
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'JusticeConnect Widgets API', version: '0.1.0' },
    servers: [{ url: config.baseUrl }],
  });

  // Built files: the compressed copy the browser accepts, hashed chunks immutable, entries and pages revalidated (http/static-files.ts).
  if (roots.widgets && existsSync(roots.widgets)) app.use('/widgets/*', serveFiles({ root: roots.widgets, prefix: '/widgets', immutable: hashedUnder('chunks') }));
  if (roots.demo && existsSync(roots.demo)) app.use('*', serveFiles({ root: roots.demo, immutable: hashedUnder('assets') }));

  return {
    app,
    services,
    async close() {
      pruner();
      schedule.stop();
      // A run its timer started finishes before the database closes under it.
      await schedule.settled();
      // A last checkpoint, so what this process wrote is covered beyond the chain.
      await schedule.checkpoint().catch((err) => log.error({ err: errField(err) }, '[audit] could not write a checkpoint'));
      await order?.close();
      registerSettler(db.kysely, null);
      await hub.close();
      await files.close();
      await db.close();
    },
  };
}
