import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { Context } from 'hono';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/*
 * What this process measures, in Prometheus's text format at GET /metrics
 * (a registry of the app's own, so two apps in one process never share
 * counts). Read only with the configured bearer token or from an allowed
 * address; with neither configured there is no /metrics (404) and nothing is
 * recorded. Route labels are Hono's route patterns (`/api/v1/communities/:id`),
 * never the path a client sent, so no id or slug becomes a label.
 */

/** Addresses and CIDR ranges allowed to read /metrics (JC_METRICS_ALLOW). */
export type AllowList = BlockList;

const family = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** `"10.0.0.0/8, 127.0.0.1, ::1"` as a list; null when empty. Throws on an entry that is neither. */
export function parseAllowList(text: string): AllowList | null {
  const entries = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits, extra] = entry.split('/');
    const version = isIP(address);
    const max = version === 4 ? 32 : 128;
    if (!version || extra !== undefined || (bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > max))) {
      throw new Error(`JC_METRICS_ALLOW: "${entry}" is not an address or a CIDR range`);
    }
    if (bits === undefined) list.addAddress(address, family(address));
    else list.addSubnet(address, Number(bits), family(address));
  }
  return list;
}

/** Whether `address` (as the socket or the trusted proxy gives it) is on the list; IPv4 mapped into IPv6 counts as IPv4. */
export function isAllowed(list: AllowList, address: string | null): boolean {
  if (!address) return false;
  const plain = /^::ffff:/i.test(address) && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  if (!isIP(plain)) return false;
  return list.check(plain, family(plain));
}

/** Compares a presented bearer token with the configured one in constant time (digests of equal length, whatever was sent). */
export function tokenMatches(expected: string, authorization: string | undefined): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (!presented) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Values the registry reads when it is scraped (not kept up to date on every change). */
export interface ScrapeSources {
  openStreams(): number;
  /** PostgreSQL's pool: clients open, idle, and requests waiting for one (absent on SQLite). */
  pool?(): { total: number; idle: number; waiting: number };
  /** Audit entries written and not yet chained (PostgreSQL's audit_outbox; absent on SQLite). */
  auditOutboxDepth?(): Promise<number>;
}

export class Metrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #duration: Histogram<'method' | 'route' | 'status'>;
  readonly #deliveryLag: Histogram;
  readonly #signInFailures: Counter<'step'>;
  readonly #lockouts: Counter;

  constructor(sources: ScrapeSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'jc_' });
    this.#requests = new Counter({ name: 'jc_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status', labelNames: ['method', 'route', 'status'], registers });
    this.#duration = new Histogram({
      name: 'jc_http_request_duration_seconds',
      help: 'Time to answer an HTTP request (to the first byte of a stream), by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.#deliveryLag = new Histogram({
      name: 'jc_event_delivery_lag_seconds',
      help: 'From a live event being recorded to its being written to a stream (replays after a reconnect included)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.#signInFailures = new Counter({ name: 'jc_sign_in_failures_total', help: 'Failed sign-in steps that count toward the lockout (wrong password or one-time code)', labelNames: ['step'], registers });
    this.#lockouts = new Counter({ name: 'jc_account_lockouts_total', help: 'Accounts locked after too many failed sign-ins', registers });
    new Gauge({
      name: 'jc_live_streams_open',
      help: 'Live-event (SSE) streams open on this process',
      registers,
      collect() {
        this.set(sources.openStreams());
      },
    });
    const { pool, auditOutboxDepth } = sources;
    if (pool) {
      new Gauge({
        name: 'jc_db_pool_clients',
        help: 'PostgreSQL pool: clients open (total), idle, and requests waiting for a client (waiting)',
        labelNames: ['state'],
        registers,
        collect() {
          const p = pool();
          this.set({ state: 'total' }, p.total);
          this.set({ state: 'idle' }, p.idle);
          this.set({ state: 'waiting' }, p.waiting);
        },
      });
    }
    if (auditOutboxDepth) {
      new Gauge({
        name: 'jc_audit_outbox_depth',
        help: 'Audit entries written and not yet chained into the audit log (PostgreSQL)',
        registers,
        async collect() {
          this.set(await auditOutboxDepth());
        },
      });
    }
  }

  request(method: string, route: string, status: number, seconds: number): void {
    const labels = { method: METHODS.has(method) ? method : 'OTHER', route, status: String(status) };
    this.#requests.inc(labels);
    this.#duration.observe(labels, seconds);
  }

  delivered(lagSeconds: number): void {
    if (Number.isFinite(lagSeconds)) this.#deliveryLag.observe(Math.max(0, lagSeconds));
  }

  signInFailure(step: 'password' | 'second-factor', locked: boolean): void {
    this.#signInFailures.inc({ step });
    if (locked) this.#lockouts.inc();
  }

  /** The exposition, for GET /metrics. */
  async answer(c: Context): Promise<Response> {
    const text = await this.registry.metrics();
    return c.body(text, 200, { 'Content-Type': this.registry.contentType, 'Cache-Control': 'no-store' });
  }
}
