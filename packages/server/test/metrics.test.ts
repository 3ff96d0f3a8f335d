import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { activeUser, backends, call, makeCommunity, addMember, suiteApp, type TestApp } from './helpers.ts';
import { parseAllowList, isAllowed, tokenMatches } from '../src/metrics.ts';
import { loadConfig } from '../src/config.ts';

const TOKEN = 'metrics-token-for-the-test-0123456789';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of Prometheus's text exposition (version 0.0.4): every line
 * is a HELP, a TYPE or a sample of a family whose TYPE came first; label
 * values are quoted with only \\, \" and \n escaped; values are numbers (or Inf and NaN).
 * prom-client has no parser of its own.
 */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const familyOf = (name: string) => {
    if (types.has(name)) return name;
    const base = name.replace(/_(bucket|sum|count|total|created)$/, '');
    return types.has(base) ? base : null;
  };
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line))) continue;
    if ((m = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line))) {
      assert.ok(!types.has(m[1]!), `one TYPE for ${m[1]}`);
      types.set(m[1]!, m[2]!);
      continue;
    }
    assert.ok(!line.startsWith('#'), `an unknown comment: ${line}`);
    m = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`).exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const [, name, labelText, valueText] = m;
    assert.ok(familyOf(name!), `a sample of an undeclared family: ${line}`);
    const labels: Record<string, string> = {};
    if (labelText) {
      const LABEL = new RegExp(`^(${NAME})="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"(,|$)`);
      let rest = labelText;
      while (rest.length > 0) {
        const l = LABEL.exec(rest);
        assert.ok(l, `bad labels in: ${line}`);
        assert.ok(!(l[1]! in labels), `a label twice in: ${line}`);
        labels[l[1]!] = l[2]!.replace(/\\(["\\n])/g, (_, ch: string) => (ch === 'n' ? '\n' : ch));
        rest = rest.slice(l[0].length);
      }
    }
    // (Go's ParseFloat, as Prometheus reads them: Inf and NaN in any case; prom-client writes `Nan`.)
    const special = /^([+-]?)(inf|nan)$/i.exec(valueText!);
    const value = special ? (special[2]!.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity) : /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(valueText!) ? Number(valueText) : NaN;
    assert.ok(special || !Number.isNaN(value), `not a number: ${line}`);
    samples.push({ name: name!, labels, value });
  }
  return { types, samples };
}

const scrape = async (t: TestApp) => {
  const res = await t.app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return { text: await res.clone().text(), ...parseExposition(await res.text()) };
};

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);

describe('metrics: the allow-list and the token', () => {
  it('reads addresses and CIDR ranges, IPv4 and IPv6, and refuses anything else', () => {
    const list = parseAllowList(' 10.1.0.0/16, 127.0.0.1 ,::1, fd00::/8')!;
    assert.equal(isAllowed(list, '10.1.200.3'), true);
    assert.equal(isAllowed(list, '::ffff:10.1.0.9'), true, 'IPv4 mapped into IPv6');
    assert.equal(isAllowed(list, '10.2.0.1'), false);
    assert.equal(isAllowed(list, '127.0.0.1'), true);
    assert.equal(isAllowed(list, '::1'), true);
    assert.equal(isAllowed(list, 'fd12::1'), true);
    assert.equal(isAllowed(list, 'fe80::1'), false);
    assert.equal(isAllowed(list, null), false);
    assert.equal(isAllowed(list, 'not-an-address'), false);
    assert.equal(parseAllowList(' , '), null);
    for (const bad of ['10.0.0.0/33', 'example.com', '10.0.0.1/8/1', '::1/129', '10.0.0.0/x']) assert.throws(() => parseAllowList(bad), /JC_METRICS_ALLOW/, bad);
    assert.throws(() => loadConfig({ JC_DATA_DIR: '/tmp/jc-unused', JC_AUTH_SECRET: 'x'.repeat(32), JC_AUDIT_KEY: 'y'.repeat(32), JC_METRICS_ALLOW: 'nope' }), /JC_METRICS_ALLOW/);
    assert.throws(() => loadConfig({ JC_DATA_DIR: '/tmp/jc-unused', JC_AUTH_SECRET: 'x'.repeat(32), JC_AUDIT_KEY: 'y'.repeat(32), JC_METRICS_TOKEN: 'short' }), /JC_METRICS_TOKEN/);
  });

  it('matches the bearer token exactly', () => {
    assert.equal(tokenMatches(TOKEN, `Bearer ${TOKEN}`), true);
    assert.equal(tokenMatches(TOKEN, `bearer ${TOKEN}`), true);
    assert.equal(tokenMatches(TOKEN, `Bearer ${TOKEN}x`), false);
    assert.equal(tokenMatches(TOKEN, `Bearer ${TOKEN.slice(0, -1)}`), false);
    assert.equal(tokenMatches(TOKEN, TOKEN), false, 'not without the scheme');
    assert.equal(tokenMatches(TOKEN, undefined), false);
  });
});

for (const backend of backends()) {
  describe(`metrics: off unless configured (${backend.name})`, () => {
    const t = suiteApp(backend);

    it('has no /metrics at all', async () => {
      for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }] as Record<string, string>[]) {
        const res = await call(t, 'GET', '/metrics', { headers });
        assert.equal(res.status, 404);
        assert.equal(res.body.error.code, 'NOT_FOUND');
        assert.equal(t.services.metrics, null, 'and records nothing');
      }
    });
  });

  describe(`metrics: GET /metrics (${backend.name})`, () => {
    const t = suiteApp(backend, { JC_METRICS_TOKEN: TOKEN, JC_METRICS_ALLOW: '10.1.0.0/16, ::1' });
    // app.request's third argument is the node adapter's bindings: the socket the request came on.
    const from = (address: string, headers: Record<string, string> = {}) => t.app.request('/metrics', { headers }, { incoming: { socket: { remoteAddress: address } } });

    it('refuses a scrape without the token, with a wrong one, and from an address not on the list', async () => {
      for (const headers of [{}, { authorization: `Bearer ${TOKEN}-wrong` }, { authorization: `Bearer ${TOKEN.slice(0, 20)}` }, { authorization: `Basic ${TOKEN}` }] as Record<string, string>[]) {
        const res = await call(t, 'GET', '/metrics', { headers });
        assert.equal(res.status, 403, JSON.stringify(headers));
        assert.equal(res.body.error.code, 'FORBIDDEN');
        assert.equal(res.body.error.requestId, res.headers.get('x-request-id'), 'the usual error shape, with the request id');
      }
      for (const address of ['10.2.0.1', '192.168.1.10', '::ffff:10.2.0.1', '::2']) {
        const res = await from(address);
        assert.equal(res.status, 403, address);
      }
      // A forwarded address counts only behind a trusted proxy (JC_TRUST_PROXY), which this server is not.
      assert.equal((await from('192.168.1.10', { 'x-forwarded-for': '10.1.2.3' })).status, 403);
    });

    it('answers the token, and an allowed address without it', async () => {
      const res = await t.app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      for (const address of ['10.1.2.3', '::ffff:10.1.255.255', '::1']) assert.equal((await from(address)).status, 200, address);
    });

    it('counts requests by route pattern, never by the path that was sent', async () => {
      const owner = await activeUser(t, 'Metrics Owner');
      const community = await makeCommunity(t, { visibility: 'public', createdBy: owner.userId });
      await addMember(t, community.id, owner.userId, 'owner');
      const before = await scrape(t);
      const ROUTE = '/api/v1/communities/:ref';
      const counted = (samples: Sample[], status: string) => value(samples, 'jc_http_requests_total', { method: 'GET', route: ROUTE, status });
      for (let i = 0; i < 3; i++) assert.equal((await call(t, 'GET', `/api/v1/communities/${community.slug}`, { cookie: owner.cookie })).status, 200);
      const missing = randomUUID();
      assert.equal((await call(t, 'GET', `/api/v1/communities/${missing}`, { cookie: owner.cookie })).status, 404);
      const nowhere = `/nowhere-${randomUUID()}`;
      assert.equal((await call(t, 'GET', nowhere)).status, 404);
      // A wrong password counts as a failed sign-in.
      const failed = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email: owner.email, password: 'not-the-password-at-all' } });
      assert.equal(failed.status, 401);

      const after = await scrape(t);
      assert.equal(after.types.get('jc_http_requests_total'), 'counter');
      assert.equal(after.types.get('jc_http_request_duration_seconds'), 'histogram');
      assert.equal(counted(after.samples, '200') - counted(before.samples, '200'), 3, 'three answers of the route, whatever community they named');
      assert.equal(counted(after.samples, '404') - counted(before.samples, '404'), 1);
      const durations = (samples: Sample[]) => value(samples, 'jc_http_request_duration_seconds_count', { method: 'GET', route: ROUTE, status: '200' });
      assert.equal(durations(after.samples) - durations(before.samples), 3, 'and timed them');
      assert.ok(value(after.samples, 'jc_http_request_duration_seconds_bucket', { route: ROUTE, status: '200', le: '+Inf' }) >= 3);
      assert.ok(value(after.samples, 'jc_http_requests_total', { route: '(unmatched)', status: '404' }) >= 1, 'a path nothing matched');
      assert.ok(value(after.samples, 'jc_http_requests_total', { method: 'POST', status: '401' }) >= 1);
      assert.equal(value(after.samples, 'jc_sign_in_failures_total', { step: 'password' }) - value(before.samples, 'jc_sign_in_failures_total', { step: 'password' }), 1);
      assert.ok(after.types.has('jc_account_lockouts_total'));

      // No id, slug, email or path that was sent is a label value.
      const routes = new Set(after.samples.map((s) => s.labels.route).filter(Boolean));
      for (const route of routes) assert.match(route!, /^(\(unmatched\)|\/[\w/:.*{}-]*|\*)$/, `a pattern: ${route}`);
      for (const secret of [community.slug, community.id, missing, nowhere, owner.userId, owner.email]) {
        assert.ok(!after.text.includes(secret), `the exposition does not name ${secret}`);
      }

      assert.equal(after.types.get('jc_live_streams_open'), 'gauge');
      assert.equal(value(after.samples, 'jc_live_streams_open'), 0);
      assert.equal(after.types.get('jc_event_delivery_lag_seconds'), 'histogram');
      if (backend.name === 'postgres') {
        assert.ok(value(after.samples, 'jc_db_pool_clients', { state: 'total' }) >= 1, 'the pool has clients');
        assert.equal(after.types.get('jc_audit_outbox_depth'), 'gauge');
      } else {
        assert.ok(!after.types.has('jc_db_pool_clients'), 'SQLite has no pool');
      }
      assert.ok(after.types.has('jc_process_cpu_seconds_total'), 'and the process metrics');
    });

    it('counts open live streams and the lag of what they deliver', async () => {
      const user = await activeUser(t, 'Metrics Listener');
      const controller = new AbortController();
      const res = await t.app.request('/api/v1/events', { headers: { cookie: user.cookie, origin: 'http://localhost:8787' }, signal: controller.signal });
      assert.equal(res.status, 200);
      const reader = res.body!.getReader();
      // Read as a client does (a stream nobody reads stops being written to).
      void (async () => {
        for (;;) if ((await reader.read().catch(() => ({ done: true }))).done) return;
      })();
      try {
        // (The stream joins the hub once its answer has begun.)
        const joined = Date.now() + 5000;
        while (t.services.events.hub.subscribers.size === 0 && Date.now() < joined) await new Promise((r) => setTimeout(r, 20));
        const open = await scrape(t);
        assert.equal(value(open.samples, 'jc_live_streams_open'), 1);
        const lagBefore = value(open.samples, 'jc_event_delivery_lag_seconds_count');
        // An event this user may hear of: a post in their community.
        const community = await makeCommunity(t, { visibility: 'public', createdBy: user.userId });
        await addMember(t, community.id, user.userId, 'owner');
        const posted = await call(t, 'POST', `/api/v1/communities/${community.slug}/posts`, { cookie: user.cookie, body: { body: 'an event to deliver' } });
        assert.equal(posted.status, 201, JSON.stringify(posted.body));
        const deadline = Date.now() + 5000;
        let lag = lagBefore;
        while (lag === lagBefore && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
          lag = value((await scrape(t)).samples, 'jc_event_delivery_lag_seconds_count');
        }
        assert.ok(lag > lagBefore, 'a delivered event was measured');
      } finally {
        await reader.cancel().catch(() => {});
        controller.abort();
      }
      const deadline = Date.now() + 5000;
      while (t.services.events.hub.subscribers.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(value((await scrape(t)).samples, 'jc_live_streams_open'), 0, 'and the closed one is gone');
    });
  });
}

