import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from '@hono/node-server';
import { once } from 'node:events';
import { ManualClock } from '../src/clock.ts';
import { activate, activeUser, backends, call, signIn, signUpAndIn, startApp, TEST_ORI, type TestApp } from './helpers.ts';

type User = { cookie: string; userId: string };
type Service = { id: string; url: string | null; hasAccess: boolean; status: string; statusMessage: string | null; maintenance: { current: { id: string } | null; planned: { id: string }[] }; favorite: { position: number } | null; accessRequest: { state: string } | null; community: { slug: string } | null };

const T0 = '2026-06-01T12:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

for (const backend of backends()) {
  describe(`service directory and announcements (${backend.name})`, () => {
    let t: TestApp;
    const clock = new ManualClock(T0);
    let admin: User, officer: User, agencyAdmin: User, notOptedIn: User;
    /** Moving the server's clock by an hour idles every session out, as it would: sign the test's users in again. */
    const relogin = async () => {
      for (const u of [admin, officer, agencyAdmin]) Object.assign(u, await signIn(t, (u as User & { email: string }).email));
    };
    const api = (u: User | null, method: string, path: string, body?: unknown) => call(t, method, `/api/v1${path}`, { cookie: u?.cookie, body });
    const find = async (u: User, id: string): Promise<Service> => ((await api(u, 'GET', '/services')).body.items as Service[]).find((s) => s.id === id)!;
    const eventsOf = async (type: string) =>
      (await t.services.db.kysely.selectFrom('event').select(['payload', 'user_id']).where('type', '=', type).orderBy('id').execute()).map((e) => ({ ...JSON.parse(e.payload), userId: e.user_id }));

    before(async () => {
      // The scheduler runs on `clock` (default JC_SCHEDULE_SECONDS): moving the clock runs it; tests await `settled()`.
      t = await startApp(backend, {}, { clock });
      await t.services.db.kysely.insertInto('agency').values({ id: 'agency-other', name: 'Other Agency', ori: 'OTHER0001', created_at: T0 }).execute();
      admin = await activeUser(t, 'Site Admin', { siteAdmin: true });
      officer = await activeUser(t, 'Officer');
      agencyAdmin = await activeUser(t, 'Agency Admin', { agencyAdmin: true });
      notOptedIn = await signUpAndIn(t, 'Not Opted In');
      await activate(t, notOptedIn.userId, { optedIn: false });
      for (const body of [
        { id: 'n-dex', name: 'N-DEx', icon: 'database', url: 'https://ndex.example.gov/', description: 'National Data Exchange' },
        {
          id: 'vicap',
          name: 'ViCAP',
          icon: 'search',
          url: 'https://vicap.example.gov/secret-entry',
          access: { rule: 'restricted', agencies: ['OTHER0001'], roles: [] },
          accessInstructions: 'Ask your agency administrator to request ViCAP access.',
        },
        { id: 'uof', name: 'National Use of Force', icon: 'chart', url: 'https://uof.example.gov/', access: { rule: 'restricted', agencies: [], roles: ['agency-admin'] } },
      ]) {
        const res = await api(admin, 'POST', '/services', body);
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
    });
    after(() => t.dispose());

    it('never shows a user the address of a service they lack, anywhere in the answer', async () => {
      const list = await api(officer, 'GET', '/services');
      assert.equal(list.status, 200);
      const raw = JSON.stringify(list.body);
      assert.ok(!raw.includes('vicap.example.gov'), 'the ViCAP address is nowhere in the list');
      assert.ok(!raw.includes('uof.example.gov'));
      const vicap = await find(officer, 'vicap');
      assert.equal(vicap.hasAccess, false);
      assert.equal(vicap.url, null);
      assert.match((vicap as unknown as { accessInstructions: string }).accessInstructions, /agency administrator/);
      const one = await api(officer, 'GET', '/services/vicap');
      assert.ok(!JSON.stringify(one.body).includes('vicap.example.gov'));
      assert.equal((await api(officer, 'GET', '/services/vicap/admin')).status, 403, 'the admin view is for site administrators');
      // The role rule: agency administrators have Use of Force, officers do not.
      assert.equal((await find(agencyAdmin, 'uof')).url, 'https://uof.example.gov/');
      assert.equal((await find(officer, 'uof')).url, null);
      assert.equal((await find(admin, 'vicap')).url, 'https://vicap.example.gov/secret-entry', 'site administrators have every service');
      // The directory is the portal's: an active account that has not opted in to JusticeConnect still reads it.
      assert.equal((await api(notOptedIn, 'GET', '/services')).status, 200);
      const pending = await signUpAndIn(t, 'Pending');
      assert.equal((await api(pending, 'GET', '/services')).body.error.code, 'ACCOUNT_PENDING');
      assert.equal((await api(null, 'GET', '/services')).status, 401);
    });

    it('lets a user ask for access, an administrator grant it, and the user hear of it', async () => {
      const asked = await api(officer, 'POST', '/services/vicap/access-requests', { note: 'Homicide unit' });
      assert.equal(asked.status, 201);
      assert.equal(asked.body.state, 'pending');
      assert.equal((await api(officer, 'POST', '/services/vicap/access-requests', {})).body.error.code, 'ALREADY_REQUESTED');
      assert.equal((await api(officer, 'POST', '/services/n-dex/access-requests', {})).body.error.code, 'ALREADY_HAS_ACCESS');
      assert.equal((await find(officer, 'vicap')).accessRequest?.state, 'pending');
      assert.equal((await api(agencyAdmin, 'GET', '/access-requests')).body.error.code, 'SITE_ADMIN_REQUIRED');
      const queue = await api(admin, 'GET', '/access-requests');
      assert.ok(queue.body.items.some((r: { id: string }) => r.id === asked.body.id));
      assert.equal((await api(officer, 'POST', `/access-requests/${asked.body.id}/grant`, {})).body.error.code, 'SITE_ADMIN_REQUIRED');
      const granted = await api(admin, 'POST', `/access-requests/${asked.body.id}/grant`, { note: 'Approved' });
      assert.equal(granted.body.state, 'granted');
      assert.equal((await api(admin, 'POST', `/access-requests/${asked.body.id}/deny`, {})).body.error.code, 'ALREADY_DECIDED');
      assert.equal((await find(officer, 'vicap')).url, 'https://vicap.example.gov/secret-entry');
      const told = await eventsOf('access.decided');
      assert.ok(told.some((e) => e.userId === officer.userId && e.requestId === asked.body.id && e.state === 'granted'));
    });

    it('lets only site administrators change services, status and maintenance', async () => {
      for (const u of [officer, agencyAdmin]) {
        for (const [method, path, body] of [
          ['PUT', '/services/n-dex/status', { status: 'degraded' }],
          ['PATCH', '/services/n-dex', { name: 'x' }],
          ['POST', '/services', { name: 'x', icon: 'book', url: 'https://x.example.gov/' }],
          ['POST', '/services/n-dex/maintenance', { startsAt: at(10), endsAt: at(20) }],
          ['POST', '/announcements', { severity: 'information', title: 'x' }],
        ] as [string, string, unknown][]) {
          const res = await api(u, method, path, body);
          assert.equal(res.status, 403, `${method} ${path}`);
          assert.equal(res.body.error.code, 'SITE_ADMIN_REQUIRED');
        }
      }
      const set = await api(admin, 'PUT', '/services/n-dex/status', { status: 'degraded', message: 'Slow searches' });
      assert.equal(set.body.status, 'degraded');
      assert.equal((await find(officer, 'n-dex')).statusMessage, 'Slow searches');
      const maintenanceByHand = await api(admin, 'PUT', '/services/n-dex/status', { status: 'maintenance' });
      assert.equal(maintenanceByHand.status, 400, 'maintenance comes from windows');
      await api(admin, 'PUT', '/services/n-dex/status', { status: 'operational' });
      const bad = await api(admin, 'POST', '/services', { name: 'Bad', icon: 'nope', url: 'javascript:alert(1)' });
      assert.equal(bad.status, 400);
      assert.ok(bad.body.error.fields.icon && bad.body.error.fields.url);
      const badWindow = await api(admin, 'POST', '/services/n-dex/maintenance', { startsAt: at(30), endsAt: at(20) });
      assert.equal(badWindow.body.error.fields.endsAt, 'The window must end after it starts');
    });

    it('switches to maintenance when a window starts and back when it ends, on the server’s clock, and announces each boundary by itself, once', async () => {
      clock.set(T0);
      const planned = await api(admin, 'POST', '/services/n-dex/maintenance', { startsAt: at(60), endsAt: at(120), message: 'Database upgrade' });
      assert.equal(planned.status, 201);
      let s = await find(officer, 'n-dex');
      assert.equal(s.status, 'operational');
      assert.equal(s.maintenance.current, null);
      assert.equal(s.maintenance.planned.length, 1, 'planned maintenance is shown ahead');
      const before = (await eventsOf('service.changed')).length;
      assert.equal(await t.services.schedule.tick(), 0, 'nothing to announce yet');

      clock.set(at(60));
      await relogin();
      s = await find(officer, 'n-dex');
      assert.equal(s.status, 'maintenance', 'the status switches the moment the window opens');
      assert.equal(s.statusMessage, 'Database upgrade');
      assert.ok(s.maintenance.current);
      // No tick by hand: moving the clock past the start made the scheduler's timer announce it.
      await t.services.schedule.settled();
      const started = (await eventsOf('service.changed')).slice(before);
      assert.deepEqual(
        started.map((e) => [e.serviceId, e.reason]),
        [['n-dex', 'maintenance-started']],
        'subscribers are told by the scheduler itself, once',
      );
      assert.equal(await t.services.schedule.tick(), 0, 'a tick by hand finds nothing left to announce');
      clock.set(at(90));
      await t.services.schedule.settled();
      assert.equal((await eventsOf('service.changed')).length, before + 1, 'the timer’s next run announces nothing again');

      clock.set(at(120));
      await relogin();
      s = await find(officer, 'n-dex');
      assert.equal(s.status, 'operational', 'and back when it ends');
      assert.equal(s.maintenance.current, null);
      await t.services.schedule.settled();
      assert.deepEqual(
        (await eventsOf('service.changed')).slice(before).map((e) => [e.serviceId, e.reason]),
        [
          ['n-dex', 'maintenance-started'],
          ['n-dex', 'maintenance-ended'],
        ],
        'its end is announced by itself, once',
      );
      assert.equal(await t.services.schedule.tick(), 0);
      clock.set(T0);
      await relogin();
    });

    it('announces a boundary once when the timer’s run and ticks by hand run at once (the claim is a conditional update)', async () => {
      clock.set(T0);
      const planned = await api(admin, 'POST', '/services/n-dex/maintenance', { startsAt: at(30), endsAt: at(45), message: 'Index rebuild' });
      assert.equal(planned.status, 201);
      const before = (await eventsOf('service.changed')).length;
      const reasons = async () => (await eventsOf('service.changed')).slice(before).map((e) => [e.serviceId, e.reason]);
      for (const [minute, boundary] of [
        [30, 'maintenance-started'],
        [45, 'maintenance-ended'],
      ] as const) {
        clock.set(at(minute)); // the timer's tick starts here…
        const byHand = await Promise.all([t.services.schedule.tick(), t.services.schedule.tick()]); // …and two by hand beside it
        await t.services.schedule.settled();
        assert.ok(byHand[0] + byHand[1] <= 1, `at most one hand tick announced ${boundary}`);
        assert.deepEqual((await reasons()).at(-1), ['n-dex', boundary]);
      }
      assert.deepEqual(
        await reasons(),
        [
          ['n-dex', 'maintenance-started'],
          ['n-dex', 'maintenance-ended'],
        ],
        'each boundary announced exactly once',
      );
      clock.set(T0);
      await relogin();
    });

    it('keeps My Services first, in the user’s own order', async () => {
      await api(officer, 'PUT', '/services/uof/favorite');
      await api(officer, 'PUT', '/services/n-dex/favorite');
      let list = (await api(officer, 'GET', '/services')).body.items as Service[];
      assert.deepEqual(
        list.slice(0, 2).map((s) => s.id),
        ['uof', 'n-dex'],
      );
      const reordered = await api(officer, 'PUT', '/me/favorites', { serviceIds: ['n-dex', 'uof'] });
      assert.deepEqual(
        (reordered.body.items as Service[]).slice(0, 2).map((s) => s.id),
        ['n-dex', 'uof'],
      );
      await api(officer, 'DELETE', '/services/n-dex/favorite');
      list = (await api(officer, 'GET', '/services')).body.items;
      assert.deepEqual(
        list.filter((s) => s.favorite).map((s) => s.id),
        ['uof'],
      );
      assert.equal((await api(agencyAdmin, 'GET', '/services')).body.items.filter((s: Service) => s.favorite).length, 0, 'favourites are per user');
      const unknown = await api(officer, 'PUT', '/me/favorites', { serviceIds: ['uof', 'nope'] });
      assert.equal(unknown.body.error.fields['serviceIds.1'], 'No such service');
    });

    it('marks a service down when its health check fails and up when it answers, never over an administrator', async () => {
      let healthy = true;
      const server = serve({ fetch: () => new Response(healthy ? 'ok' : 'down', { status: healthy ? 200 : 503 }), port: 0, hostname: '127.0.0.1' });
      await once(server, 'listening');
      const port = (server.address() as { port: number }).port;
      try {
        await api(admin, 'POST', '/services', { id: 'checked', name: 'Checked', icon: 'globe', url: 'https://checked.example.gov/', healthUrl: `http://127.0.0.1:${port}/health` });
        await t.services.schedule.checkHealth();
        assert.equal((await find(officer, 'checked')).status, 'operational');
        healthy = false;
        await t.services.schedule.checkHealth();
        assert.equal((await find(officer, 'checked')).status, 'major-outage');
        healthy = true;
        await t.services.schedule.checkHealth();
        assert.equal((await find(officer, 'checked')).status, 'operational');
        await api(admin, 'PUT', '/services/checked/status', { status: 'degraded', message: 'Known issue' });
        healthy = false;
        await t.services.schedule.checkHealth();
        assert.equal((await find(officer, 'checked')).status, 'degraded', 'an administrator’s status stands');
      } finally {
        server.close();
      }
    });

    it('shows announcements most severe first, to their audience, dismissible except emergencies, on time', async () => {
      clock.set(T0);
      const make = async (body: Record<string, unknown>) => {
        const res = await api(admin, 'POST', '/announcements', body);
        assert.equal(res.status, 201, JSON.stringify(res.body));
        return res.body.id as string;
      };
      const info = await make({ severity: 'information', title: 'Information: new training videos' });
      const emergency = await make({ severity: 'emergency', title: 'Emergency: portal-wide outage drill' });
      const warning = await make({ severity: 'warning', title: 'Warning: password expiry' });
      const forOthers = await make({ severity: 'error', title: 'For another agency', audience: { kind: 'agencies', agencies: ['OTHER0001'] } });
      const forMine = await make({ severity: 'success', title: 'For my agency', audience: { kind: 'agencies', agencies: [TEST_ORI] } });
      const later = await make({ severity: 'error', title: 'Error: tomorrow', startsAt: at(24 * 60), endsAt: at(25 * 60) });
      const titles = async (u: User | null) => ((await api(u, 'GET', '/announcements')).body.items as { id: string }[]).map((a) => a.id);
      assert.deepEqual(await titles(officer), [emergency, warning, info, forMine]);
      assert.deepEqual(await titles(null), [emergency, warning, info], 'signed out: only those for everyone');
      assert.equal((await api(officer, 'POST', `/announcements/${info}/dismiss`)).status, 200);
      const refused = await api(officer, 'POST', `/announcements/${emergency}/dismiss`);
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'NOT_DISMISSIBLE');
      assert.deepEqual(await titles(officer), [emergency, warning, forMine], 'dismissed for this user only');
      assert.ok((await titles(agencyAdmin)).includes(info));
      assert.equal((await api(officer, 'POST', `/announcements/${forOthers}/dismiss`)).status, 404);
      const ticks = await t.services.schedule.tick();
      assert.equal(ticks, 0, 'those showing now were announced when made');
      const changed = async () => (await eventsOf('announcement.changed')).map((e) => e.announcementId);
      const before = (await changed()).length;
      clock.set(at(24 * 60));
      await relogin();
      assert.deepEqual((await titles(officer)).slice(0, 2), [emergency, later], 'the planned one shows when it starts, after the emergency');
      await t.services.schedule.settled();
      assert.deepEqual((await changed()).slice(before), [later], 'its start is announced by the scheduler itself, once');
      assert.equal(await t.services.schedule.tick(), 0);
      clock.set(at(25 * 60));
      await relogin();
      assert.ok(!(await titles(officer)).includes(later));
      await t.services.schedule.settled();
      assert.deepEqual((await changed()).slice(before), [later, later], 'and its end is announced, once');
      assert.equal(await t.services.schedule.tick(), 0);
      clock.set(T0);
      await relogin();
    });
  });
}
