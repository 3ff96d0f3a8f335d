import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { activeUser, backends, BASE_URL, suiteApp } from './helpers.ts';

/*
 * Hostile input to every route in the OpenAPI document: random and malformed
 * bodies, queries, path parameters and headers, signed in and not. Never a
 * 5xx, never a stack trace, and a refused request writes nothing.
 */

const RUNS = Number(process.env.JC_FUZZ_RUNS ?? 12);

/** Tables a refused request must leave alone (logs, counters and session bookkeeping are allowed to move). */
const CONTENT_TABLES = [
  'agency', 'profile', 'community', 'membership', 'post', 'comment', 'reaction', 'report', 'follow', 'attachment',
  'forum', 'topic', 'topic_tag', 'reply', 'reply_like', 'topic_follow', 'forum_flag',
  'activity', 'activity_section', 'activity_step', 'activity_update',
  'service', 'service_access', 'service_grant', 'maintenance_window', 'service_favorite', 'access_request',
  'announcement', 'announcement_dismissal', 'notice_acceptance',
] as const;

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '../../etc/passwd',
    "' OR 1=1 --",
    '"; DROP TABLE post; --',
    '<script>alert(1)</script>',
    '\u0000',
    '%00',
    '%E0%A4%A',
    'null',
    'undefined',
    '-1',
    '1e309',
    'NaN',
    '__proto__',
    'constructor',
    '😀'.repeat(50),
    'a'.repeat(5000),
  ),
);
const hostileJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'body', 'title', 'id', 'email', 'password')), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
  fc.constant({ body: { nested: [1, 2, 3] } }),
  fc.constant({ title: 'x'.repeat(100_000) }),
);
const rawBody = fc.oneof(
  hostileJson.map((v) => ({ text: JSON.stringify(v), type: 'application/json' })),
  fc.constantFrom(
    { text: '{"unterminated": ', type: 'application/json' },
    { text: '[]', type: 'application/json' },
    { text: 'not json at all', type: 'application/json' },
    { text: 'a=1&b=2', type: 'application/x-www-form-urlencoded' },
    { text: '<x/>', type: 'text/xml' },
    { text: '{}', type: 'text/plain' },
    { text: '', type: 'application/json' },
  ),
);
const headerSet = fc.record(
  {
    origin: fc.constantFrom(BASE_URL, 'http://evil.example.test', 'null', ''),
    authorization: fc.constantFrom('Bearer x', 'Bearer ' + 'a'.repeat(500), 'Basic Zm9vOmJhcg==', ''),
    'last-event-id': fc.constantFrom('-1', 'abc', '99999999999999999999', ''),
    'accept-language': fc.constantFrom('es', 'xx-invalid-;;', ''),
  },
  { requiredKeys: [] },
);

for (const backend of backends()) {
  describe(`hostile input to every route (${backend.name})`, () => {
    const t = suiteApp(backend);
    let cookie: string;
    let routes: { method: string; path: string; hasBody: boolean }[];
    /** Ids of real things, so requests also reach the validation of bodies on resources that exist. */
    const real: string[] = [];
    before(async () => {
      const officer = await activeUser(t, 'Fuzz Officer', { siteAdmin: true });
      cookie = officer.cookie;
      const post = async (p: string, body: unknown) => {
        const res = await t.app.request(p, { method: 'POST', headers: { cookie, origin: BASE_URL, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return (await res.json()) as Record<string, any>;
      };
      const community = await post('/api/v1/communities', { name: 'Fuzzed', visibility: 'public' });
      const forums = (await (await t.app.request(`/api/v1/communities/${community.slug}/forums`, { headers: { cookie } })).json()) as { items: { id: string }[] };
      const topic = await post(`/api/v1/communities/${community.slug}/topics`, { forumId: forums.items[0]!.id, title: 'Fuzz topic', body: 'Fuzz' });
      const reply = await post(`/api/v1/topics/${topic.id}/replies`, { body: 'Fuzz reply' });
      const feedPost = await post(`/api/v1/communities/${community.slug}/posts`, { body: 'Fuzz post' });
      const activity = await post(`/api/v1/communities/${community.slug}/activities`, { title: 'Fuzz activity', steps: [{ title: 'Step' }] });
      real.push(community.slug, community.id, topic.id, reply.id, feedPost.id, activity.id, activity.steps[0].id, officer.userId, 'n-dex', forums.items[0]!.id);
      const doc = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
      routes = Object.entries(doc.paths).flatMap(([p, ops]) =>
        Object.entries(ops)
          .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
          .map(([m, op]) => ({ method: m.toUpperCase(), path: p, hasBody: Boolean(op.requestBody) })),
      )
        // The live stream answers by staying open; its own tests cover its input.
        .filter((r) => r.path !== '/api/v1/events');
    });

    const counts = async () => {
      const out: Record<string, number> = {};
      for (const table of CONTENT_TABLES) {
        const r = await t.services.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
        out[table] = Number(r.n);
      }
      return out;
    };

    it('never answers 5xx or shows a stack trace, and a refused request changes nothing', { timeout: 20 * 60_000 }, async () => {
      assert.ok(routes.length > 60, `the OpenAPI document lists the routes (${routes.length})`);
      let requests = 0;
      for (const route of routes) {
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.oneof(hostileString, fc.constantFrom(...real)), { minLength: 3, maxLength: 3 }),
            fc.dictionary(hostileString, hostileString, { maxKeys: 4 }),
            rawBody,
            headerSet,
            fc.boolean(),
            async (params, query, body, headers, signedIn) => {
              let i = 0;
              const path = route.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(params[i++ % params.length] || 'x'));
              const qs = new URLSearchParams(query).toString();
              const before = await counts();
              const res = await t.app.request(`${path}${qs ? `?${qs}` : ''}`, {
                method: route.method,
                headers: { ...headers, ...(signedIn ? { cookie } : {}), ...(route.method !== 'GET' ? { 'content-type': body.type } : {}) },
                body: route.method === 'GET' || route.method === 'DELETE' ? undefined : body.text,
              });
              requests++;
              const text = await res.text();
              assert.ok(res.status < 500, `${route.method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
              assert.ok(!/\n\s+at .+:\d+:\d+/.test(text) && !text.includes('node_modules'), `${route.method} ${path} showed a stack trace`);
              if (res.status >= 400) {
                assert.deepEqual(await counts(), before, `${route.method} ${path} answered ${res.status} but wrote something`);
                if ((res.headers.get('content-type') ?? '').includes('json')) {
                  const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
                  assert.equal(typeof parsed.error?.code, 'string', `${route.method} ${path}: the error shape`);
                }
              }
            },
          ),
          { numRuns: RUNS },
        );
      }
      assert.ok(requests >= routes.length * RUNS);
    });
  });
}
