import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { IdpFileSchema, type IdpFileEntry } from './federation/schemas.ts';
import { loadSamlSigning, type SamlSigning } from './federation/saml-signing.ts';
import { LOG_LEVELS, type LogLevel } from './logger.ts';
import { parseAllowList, type AllowList } from './metrics.ts';

/** Every setting the server reads from its environment, with its default. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Public URL of this server (used for cookies, origin checks and links). */
  JC_BASE_URL: z.url().optional(),
  /** Where the SQLite file, uploads and the generated secret live. */
  JC_DATA_DIR: z.string().min(1).default('./data'),
  /** `postgres://…` selects PostgreSQL; a file path (or nothing) selects SQLite. */
  JC_DATABASE_URL: z.string().min(1).optional(),
  DATABASE_URL: z.string().min(1).optional(),
  /** Comma-separated origins allowed to embed the widgets from another site. */
  JC_TRUSTED_ORIGINS: z.string().default(''),
  /** Secret that signs sessions; generated into the data folder when absent. */
  JC_AUTH_SECRET: z.string().min(32).optional(),
  BETTER_AUTH_SECRET: z.string().min(32).optional(),
  /** `demo` seeds demo agencies and users into an empty database. */
  JC_SEED: z.enum(['demo', 'none']).default('demo'),
  /** Largest accepted JSON body, in bytes. */
  JC_BODY_LIMIT: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(100 * 1024),
  JC_LOG_REQUESTS: z.enum(['true', 'false']).default('true'),
  /** The shared first-page cache of community feeds (posts/page-cache.ts); `false` reads every page from the database. */
  JC_PAGE_CACHE: z.enum(['true', 'false']).default('true'),
  /** The least severe log lines written (JSON lines on stdout); `silent` writes none. */
  JC_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** A bearer token that may read GET /metrics (Prometheus text); at least 16 characters. */
  JC_METRICS_TOKEN: z.string().min(16).optional(),
  /** Comma-separated addresses or CIDR ranges that may read GET /metrics without the token. */
  JC_METRICS_ALLOW: z.string().default(''),
  /** Live events older than this are dropped; a client further behind is told to resync. */
  JC_EVENT_RETENTION_HOURS: z.coerce.number().min(1).max(24 * 365).default(72),
  /** Open live-event streams one user may hold on one server process. */
  JC_MAX_STREAMS_PER_USER: z.coerce.number().int().min(1).max(100_000).default(8),
  /** Seconds between heartbeats (and session re-checks) on a live-event stream. */
  JC_HEARTBEAT_SECONDS: z.coerce.number().min(1).max(300).default(20),
  /** Seconds between checks for maintenance windows and announcements that start or end (their live events). */
  JC_SCHEDULE_SECONDS: z.coerce.number().min(1).max(3600).default(15),
  /** Seconds between health checks of each service's configured URL; 0 (the default) turns them off. */
  JC_HEALTH_CHECK_SECONDS: z.coerce.number().int().min(0).max(86_400).default(0),
  /** Failed sign-ins (password or code) within the window that lock an account until an administrator unlocks it. */
  JC_LOCKOUT_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  JC_LOCKOUT_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  /** Sign-in attempts a minute from one address (and for one account). */
  JC_SIGN_IN_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  /** Writes a minute by one user. */
  JC_WRITE_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** A session unused this long ends. */
  JC_IDLE_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  /** Behind a reverse proxy: take the client's address from the first X-Forwarded-For entry (only set this when the proxy sets it). */
  JC_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  /** A session ends this long after sign-in, used or not. */
  JC_SESSION_HOURS: z.coerce.number().min(1).max(24 * 30).default(12),
  /** The most bytes of live (not deleted) uploads one user may hold; past it an upload answers 413. */
  JC_UPLOAD_QUOTA_BYTES: z.coerce.number().int().min(1024).max(Number.MAX_SAFE_INTEGER).default(200 * 1024 * 1024),
  /** An upload not attached to a post or update within this many hours is removed, bytes and all. */
  JC_UNATTACHED_UPLOAD_HOURS: z.coerce.number().min(1).max(24 * 30).default(6),
  /** Uploads one user may have in flight at once (in one process); past it an upload answers 429. */
  JC_UPLOADS_PER_USER: z.coerce.number().int().min(1).max(1000).default(2),
  /** Uploads one process receives at once; past it an upload answers 503 with Retry-After. */
  JC_UPLOADS_PER_PROCESS: z.coerce.number().int().min(1).max(1000).default(8),
  /** Where uploaded files' bytes live: `disk` (the data folder; default on SQLite), `database` (default on PostgreSQL), or `s3` (a bucket, JC_S3_*). */
  JC_FILE_STORE: z.enum(['disk', 'database', 's3']).optional(),
  /** The S3 store: the bucket, its region, and for a server other than AWS its endpoint URL (and usually path-style addressing). */
  JC_S3_BUCKET: z.string().min(3).max(255).optional(),
  JC_S3_REGION: z.string().min(1).default('us-east-1'),
  JC_S3_ENDPOINT: z.url().optional(),
  JC_S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
  /** The S3 store's credentials (both or neither; neither: the AWS SDK's own chain, e.g. an instance role). Never logged. */
  JC_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  JC_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Server processes sharing the port (node:cluster); more than 1 makes this process their supervisor. */
  JC_PROCESSES: z.coerce.number().int().min(1).max(256).default(1),
  /** The audit log's key (HMAC): kept out of the database, so rows rewritten there cannot be re-signed. */
  JC_AUDIT_KEY: z.string().min(32).optional(),
  /** Or a file holding it (e.g. a mounted secret, readable only by the server's user); default `<data dir>/audit.key`, created when absent. */
  JC_AUDIT_KEY_FILE: z.string().min(1).optional(),
  /** Where signed audit checkpoints go: a file path (default `<data dir>/audit-checkpoints.jsonl`), `stdout`, or `syslog://host:port` (UDP). */
  JC_AUDIT_CHECKPOINTS: z.string().min(1).optional(),
  /** Seconds between audit checkpoints. */
  JC_AUDIT_CHECKPOINT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** A JSON file listing identity providers (`{ "providers": [ … ] }`, as the administrator's API takes them), applied at start. */
  JC_IDENTITY_PROVIDERS_FILE: z.string().min(1).optional(),
  /** JusticeConnect's SAML signing key and its certificate (PEM files): they sign our answers to an IdP's single logout. */
  JC_SAML_SP_KEY_FILE: z.string().min(1).optional(),
  JC_SAML_SP_CERT_FILE: z.string().min(1).optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export type DatabaseKind = 'sqlite' | 'postgres';

export interface ServerConfig {
  port: number;
  host: string;
  baseUrl: string;
  dataDir: string;
  database: { kind: DatabaseKind; url: string };
  trustedOrigins: string[];
  authSecret: string;
  seed: 'demo' | 'none';
  bodyLimit: number;
  logRequests: boolean;
  /** Community feeds' first pages come from a cache shared by their readers (posts/page-cache.ts). */
  pageCache: boolean;
  logLevel: LogLevel;
  /** Who may read GET /metrics: neither a token nor an address configured turns it off (404). */
  metrics: { token: string | null; allow: AllowList | null };
  eventRetentionHours: number;
  maxStreamsPerUser: number;
  heartbeatSeconds: number;
  scheduleSeconds: number;
  healthCheckSeconds: number;
  lockout: { attempts: number; windowMinutes: number };
  rates: { signInPerMinute: number; writesPerMinute: number };
  sessions: { idleMinutes: number; hours: number };
  trustProxy: boolean;
  uploads: { quotaBytes: number; unattachedHours: number; perUser: number; perProcess: number };
  /** Where uploaded files' bytes live (data/file-store.ts). */
  files: FilesConfig;
  /** Server processes on this port: 1 serves from this process; more run a node:cluster primary that forks them. */
  processes: number;
  audit: AuditConfig;
  /** Identity providers from JC_IDENTITY_PROVIDERS_FILE (none without it). */
  identityProviders: IdpFileEntry[];
  /** Signs our SAML LogoutResponses (null: single logout answers with a plain page). */
  samlSigning: SamlSigning | null;
}

export interface S3Config {
  bucket: string;
  region: string;
  endpoint: string | null;
  forcePathStyle: boolean;
  /** Null: the AWS SDK's default chain. The secret is never logged. */
  credentials: { accessKeyId: string; secretAccessKey: string } | null;
}

export type FilesConfig = { store: 'disk' } | { store: 'database' } | { store: 's3'; s3: S3Config };

/** JC_FILE_STORE (by default `database` on PostgreSQL, so every process reads every file; `disk` on SQLite) and the S3 settings. */
export function parseFilesConfig(env: Env, kind: DatabaseKind): FilesConfig {
  const store = env.JC_FILE_STORE ?? (kind === 'postgres' ? 'database' : 'disk');
  if (store !== 's3') return { store };
  if (!env.JC_S3_BUCKET) throw new ConfigError('JC_FILE_STORE=s3 needs JC_S3_BUCKET');
  const id = env.JC_S3_ACCESS_KEY_ID;
  const secret = env.JC_S3_SECRET_ACCESS_KEY;
  if (Boolean(id) !== Boolean(secret)) throw new ConfigError('JC_S3_ACCESS_KEY_ID and JC_S3_SECRET_ACCESS_KEY go together: set both, or neither (the AWS SDK then finds credentials itself)');
  return {
    store,
    s3: {
      bucket: env.JC_S3_BUCKET,
      region: env.JC_S3_REGION,
      endpoint: env.JC_S3_ENDPOINT ?? null,
      forcePathStyle: env.JC_S3_FORCE_PATH_STYLE === 'true',
      credentials: id && secret ? { accessKeyId: id, secretAccessKey: secret } : null,
    },
  };
}

/** Where signed checkpoints of the audit log's head are written. */
export type CheckpointSink = { kind: 'file'; path: string } | { kind: 'stdout' } | { kind: 'syslog'; host: string; port: number };

export interface AuditConfig {
  /** The key material (never logged, never in the database). */
  key: string;
  /** Where the key came from, for messages: `JC_AUDIT_KEY` or the file's path. */
  keySource: string;
  checkpoints: CheckpointSink;
  checkpointSeconds: number;
}

const OriginSchema = z.url().transform((u) => new URL(u).origin);

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export function parseTrustedOrigins(list: string): string[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((origin, i) => {
      const parsed = OriginSchema.safeParse(origin);
      if (!parsed.success) throw new ConfigError(`JC_TRUSTED_ORIGINS[${i}]: "${origin}" is not an origin URL`);
      return parsed.data;
    });
}

export class ConfigError extends Error {}

/** A loader's Error as a ConfigError. */
function configured<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

/** Reads the secret from the environment, or from (creating, unless `create` is false) `<dataDir>/auth-secret`. Never logged. */
function loadSecret(env: Env, dataDir: string, create: boolean): string {
  const fromEnv = env.JC_AUTH_SECRET ?? env.BETTER_AUTH_SECRET;
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, 'auth-secret');
  if (!create && !existsSync(file)) throw new ConfigError(`No auth secret: set JC_AUTH_SECRET, or put the server's auth-secret file at ${file}`);
  return secretFile(file);
}

/** A secret kept in `file` (mode 0600), made with 32 random bytes when the file is absent. Never logged. */
function secretFile(file: string): string {
  if (!existsSync(file)) {
    // Written whole to a temporary file, then linked into place: a process starting at the same
    // moment on the same folder either sees no file or the complete one, and the first link wins.
    mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(temp, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    const exists = (err: unknown) => (err as NodeJS.ErrnoException).code === 'EEXIST';
    try {
      linkSync(temp, file);
    } catch (err) {
      if (!exists(err)) {
        // A file system without hard links: create it in place instead.
        try {
          writeFileSync(file, readFileSync(temp), { mode: 0o600, flag: 'wx' });
        } catch (again) {
          if (!exists(again)) throw again;
        }
      }
    } finally {
      unlinkSync(temp);
    }
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * The audit key: `JC_AUDIT_KEY`, or the file `JC_AUDIT_KEY_FILE` names, or
 * `<dataDir>/audit.key` (created 0600). Never a file the database lives in:
 * the point of the key is that whoever can rewrite the database cannot read it.
 */
function loadAudit(env: Env, dataDir: string, database: { kind: DatabaseKind; url: string }, createKey: boolean): AuditConfig {
  const checkpointSeconds = env.JC_AUDIT_CHECKPOINT_SECONDS;
  const checkpoints = parseCheckpointSink(env.JC_AUDIT_CHECKPOINTS, dataDir);
  if (env.JC_AUDIT_KEY) return { key: env.JC_AUDIT_KEY, keySource: 'JC_AUDIT_KEY', checkpoints, checkpointSeconds };
  const file = path.resolve(env.JC_AUDIT_KEY_FILE ?? path.join(dataDir, 'audit.key'));
  if (database.kind === 'sqlite' && [database.url, `${database.url}-wal`, `${database.url}-shm`, `${database.url}-journal`].includes(file)) {
    throw new ConfigError('JC_AUDIT_KEY_FILE: the audit key may not live in the database file');
  }
  if (!createKey && !existsSync(file)) throw new ConfigError(`No audit key: set JC_AUDIT_KEY, or JC_AUDIT_KEY_FILE to the server's key file (${file} does not exist)`);
  const key = secretFile(file);
  if (key.length < 32) throw new ConfigError(`JC_AUDIT_KEY_FILE: ${file} holds fewer than 32 characters`);
  return { key, keySource: file, checkpoints, checkpointSeconds };
}

export function parseCheckpointSink(value: string | undefined, dataDir: string): CheckpointSink {
  if (!value) return { kind: 'file', path: path.join(dataDir, 'audit-checkpoints.jsonl') };
  if (value === 'stdout') return { kind: 'stdout' };
  if (value.startsWith('syslog://')) {
    const url = new URL(value);
    const port = url.port ? Number(url.port) : 514;
    if (!url.hostname) throw new ConfigError('JC_AUDIT_CHECKPOINTS: syslog://host:port needs a host');
    return { kind: 'syslog', host: url.hostname.replace(/^\[|\]$/g, ''), port };
  }
  return { kind: 'file', path: path.resolve(value.replace(/^file:/, '')) };
}

/**
 * `createAuditKey: false` (audit:verify, backup, restore): a missing audit key
 * is an error, not a new key; `createAuthSecret: false` (backup, restore)
 * likewise for the auth secret, which encrypts what the database keeps secret
 * (authenticator secrets, identity providers' client secrets).
 */
export function loadConfig(
  source: Record<string, string | undefined> = process.env,
  options: { createAuditKey?: boolean; createAuthSecret?: boolean } = {},
): ServerConfig {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n  ${lines.join('\n  ')}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.JC_DATA_DIR);
  const dbUrl = env.JC_DATABASE_URL ?? env.DATABASE_URL ?? path.join(dataDir, 'justiceconnect.sqlite');
  const baseUrl = env.JC_BASE_URL ? new URL(env.JC_BASE_URL).origin : `http://localhost:${env.PORT}`;
  const database: ServerConfig['database'] = isPostgresUrl(dbUrl) ? { kind: 'postgres', url: dbUrl } : { kind: 'sqlite', url: path.resolve(dbUrl) };
  return {
    port: env.PORT,
    host: env.HOST,
    baseUrl,
    dataDir,
    database,
    trustedOrigins: parseTrustedOrigins(env.JC_TRUSTED_ORIGINS),
    authSecret: loadSecret(env, dataDir, options.createAuthSecret ?? true),
    seed: env.JC_SEED,
    bodyLimit: env.JC_BODY_LIMIT,
    logRequests: env.JC_LOG_REQUESTS === 'true',
    pageCache: env.JC_PAGE_CACHE === 'true',
    logLevel: env.JC_LOG_LEVEL,
    metrics: { token: env.JC_METRICS_TOKEN ?? null, allow: configured(() => parseAllowList(env.JC_METRICS_ALLOW)) },
    eventRetentionHours: env.JC_EVENT_RETENTION_HOURS,
    maxStreamsPerUser: env.JC_MAX_STREAMS_PER_USER,
    heartbeatSeconds: env.JC_HEARTBEAT_SECONDS,
    scheduleSeconds: env.JC_SCHEDULE_SECONDS,
    healthCheckSeconds: env.JC_HEALTH_CHECK_SECONDS,
    lockout: { attempts: env.JC_LOCKOUT_ATTEMPTS, windowMinutes: env.JC_LOCKOUT_WINDOW_MINUTES },
    rates: { signInPerMinute: env.JC_SIGN_IN_RATE_PER_MINUTE, writesPerMinute: env.JC_WRITE_RATE_PER_MINUTE },
    sessions: { idleMinutes: env.JC_IDLE_TIMEOUT_MINUTES, hours: env.JC_SESSION_HOURS },
    trustProxy: env.JC_TRUST_PROXY === 'true',
    uploads: { quotaBytes: env.JC_UPLOAD_QUOTA_BYTES, unattachedHours: env.JC_UNATTACHED_UPLOAD_HOURS, perUser: env.JC_UPLOADS_PER_USER, perProcess: env.JC_UPLOADS_PER_PROCESS },
    files: parseFilesConfig(env, database.kind),
    processes: env.JC_PROCESSES,
    audit: loadAudit(env, dataDir, database, options.createAuditKey ?? true),
    identityProviders: env.JC_IDENTITY_PROVIDERS_FILE ? loadProvidersFile(env.JC_IDENTITY_PROVIDERS_FILE) : [],
    samlSigning: configured(() => loadSamlSigning(env.JC_SAML_SP_KEY_FILE, env.JC_SAML_SP_CERT_FILE)),
  };
}

/**
 * Reads and checks the identity providers file. Its errors name the field and
 * never quote the file (it holds client secrets): not even JSON.parse's
 * message, which shows the text around a syntax error.
 */
export function loadProvidersFile(file: string): IdpFileEntry[] {
  let text: string;
  try {
    text = readFileSync(path.resolve(file), 'utf8');
  } catch (err) {
    throw new ConfigError(`JC_IDENTITY_PROVIDERS_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`JC_IDENTITY_PROVIDERS_FILE: ${file} is not valid JSON`);
  }
  const parsed = IdpFileSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`JC_IDENTITY_PROVIDERS_FILE: ${file} is not valid:\n  ${lines.join('\n  ')}`);
  }
  const ids = parsed.data.providers.map((p) => p.id);
  const issuers = parsed.data.providers.map((p) => p.issuer);
  if (new Set(ids).size !== ids.length || new Set(issuers).size !== issuers.length) {
    throw new ConfigError(`JC_IDENTITY_PROVIDERS_FILE: ${file} names one id or issuer twice`);
  }
  return parsed.data.providers;
}
