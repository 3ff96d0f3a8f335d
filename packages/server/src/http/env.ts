import type { Auth } from '../auth.ts';
import type { Actor } from '../authz.ts';
import type { Clock } from '../clock.ts';
import type { ServerConfig } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { FileStore } from '../data/file-store.ts';
import type { EventBus } from '../events/bus.ts';
import type { EventHub } from '../events/hub.ts';
import type { Scheduler } from '../schedule.ts';
import type { CredentialCache } from './credentials.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { FeedPageCache } from '../posts/page-cache.ts';

/*
 * What a request carries (Hono's environment): the server's services and
 * what the session middleware found. Types only, so any module may name
 * them without depending on the request helpers (http/context.ts).
 */

export interface SessionUser {
  id: string;
  name: string;
  email: string;
  /** Has confirmed an authenticator app (TOTP). */
  twoFactorEnabled: boolean;
  /** This session itself passed the one-time-code step (required before any API answers). */
  secondFactor: boolean;
}

export interface Services {
  config: ServerConfig;
  db: Db;
  /** Where uploaded files' bytes live (data/file-store.ts). */
  files: FileStore;
  auth: Auth;
  events: { hub: EventHub; bus: EventBus };
  clock: Clock;
  schedule: Scheduler;
  /** Which session id each recently verified credential names (this process only; a miss costs one better-auth lookup). */
  credentials: CredentialCache;
  /** The app's logger (JSON lines); a request logs through its child, `c.get('log')`. */
  log: Logger;
  /** Community feeds' shared first pages (posts/page-cache.ts); null when JC_PAGE_CACHE=false. */
  pageCache: FeedPageCache | null;
  /** What /metrics exposes; null when /metrics is off (nothing is recorded then). */
  metrics: Metrics | null;
}

/** How a request logs: the app's logger with the request id on every line (http/edge.ts makes the child only when a line is written). */
export interface RequestLog {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

export interface AppEnv {
  Variables: {
    services: Services;
    /** This request's id: a short safe `X-Request-Id` it came with, or a new one; echoed in the answer's header and error body. */
    requestId: string;
    /** The app's logger with this request's id on every line. */
    log: RequestLog;
    /**
     * The entity tag of a read, when its route decides it (http/edge.ts hashes the text otherwise): the tag
     * itself, unquoted, when the route knows what its text is made of (the feed's shared first page:
     * posts/page-cache.ts), or null for none (the health probes: a load balancer never revalidates).
     */
    etag: string | null | undefined;
    user: SessionUser | null;
    sessionId: string | null;
    /** The signed-in user's account state (profile), read with the session. */
    actor: Actor | null;
    /** The system-use notice version this session accepted, if any. */
    noticeVersion: string | null;
    /** Why there is no session although one was sent: it ran past its idle or absolute limit, or its account is locked or not active. */
    sessionEnded: SessionEnd | null;
    eventsWritten: boolean;
    /** The request's audit row is written already (in the transaction that made its change). */
    audited: boolean;
  };
}

export type SessionEnd = 'idle' | 'lifetime' | 'locked' | 'disabled';
