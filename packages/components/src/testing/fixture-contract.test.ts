/**
 * The fixture server Storybook uses answers in the API's contract: every
 * endpoint the client has is called against `fixtureFetch`, through the
 * client itself, so each answer is parsed by the same zod schema the widgets
 * read the real server's answer with (api/*-schemas.ts). An answer that
 * drifts from its schema fails here as BAD_RESPONSE, an error that is not
 * the API's error envelope as HTTP_<status>. A new endpoint fails the first
 * test until it is walked here too.
 */
import { expect } from '@open-wc/testing';
import { ApiClient, ApiError } from '../api/client.js';
import { MeSchema } from '../api/base-schemas.js';
import { activityEndpoints } from '../api/activities.js';
import { announcementEndpoints } from '../api/announcements.js';
import { communityEndpoints } from '../api/communities.js';
import { forumEndpoints } from '../api/forums.js';
import { postEndpoints } from '../api/posts.js';
import { replyEndpoints } from '../api/replies.js';
import { serviceEndpoints } from '../api/services.js';
import { postCode, postEnrolment, postNoticeAcceptance, postPassword } from '../api/sign-in-steps.js';
import { FIXTURE_BACKUP_CODES, FIXTURE_CODE, fixtureFetch, fixtureUsers, THREAD_TOPIC_ID, type FixtureOptions } from './fixtures.js';

const PASSWORD = 'corridor-demo-2026';
const TASK_FORCE = 'i-35-corridor-task-force';

const client = (options: FixtureOptions = { me: fixtureUsers.optedIn }) => new ApiClient({ baseUrl: location.origin, fetch: fixtureFetch(options), storage: null });

/** The transport's own calls (sign-in steps, the session, files); `stream` and `request` are not endpoints of their own. */
const TRANSPORT = ['getNotice', 'sessionInfo', 'authSession', 'signOut', 'updateMe', 'stream'];

type Step = readonly [name: string, call: (api: ApiClient) => Promise<unknown>];

/**
 * Each resource endpoint with arguments the fixtures know, in an order that
 * makes each possible (Dana owns the task force; what one step makes, a later
 * one reads, changes or deletes).
 */
function resourceWalk(): Step[] {
  const ids: Record<string, string> = {};
  const asOwner = client({ me: fixtureUsers.owner });
  const first = <T>(items: T[], what: string): T => {
    if (!items[0]) throw new Error(`the fixtures have no ${what}`);
    return items[0];
  };
  return [
    // Communities.
    ['listCommunities', (api) => api.listCommunities({ scope: 'all' })],
    ['getCommunity', (api) => api.getCommunity(TASK_FORCE)],
    ['createCommunity', async (api) => (ids.community = (await api.createCommunity({ name: 'Contract check', visibility: 'moderated' })).slug)],
    ['listMembers', (api) => api.listMembers(TASK_FORCE)],
    ['joinCommunity', (api) => api.joinCommunity('oklahoma-fusion-liaison')],
    ['leaveCommunity', (api) => api.leaveCommunity('oklahoma-fusion-liaison')],
    // Marcus owns the gang intelligence exchange, which Ray and Jo asked to join.
    ['approveMember', () => asOwner.approveMember('gang-intelligence-exchange', 'usr_ray')],
    ['denyMember', () => asOwner.denyMember('gang-intelligence-exchange', 'usr_jo')],
    // Posts and files.
    ['listPosts', (api) => api.listPosts(TASK_FORCE)],
    ['listFeed', (api) => api.listFeed()],
    ['uploadFile', async (api) => (ids.file = (await api.uploadFile(TASK_FORCE, new Blob(['a plan'], { type: 'text/plain' }), 'plan.txt')).id)],
    ['createPost', async (api) => (ids.post = (await api.createPost(TASK_FORCE, { type: 'status', body: 'Contract check', attachmentId: ids.file })).post.id)],
    ['editPost', (api) => api.editPost(ids.post!, 'Contract check, edited')],
    ['setReaction', (api) => api.setReaction(ids.post!, 'thanks', true)],
    ['addComment', (api) => api.addComment(ids.post!, 'A comment')],
    ['listComments', (api) => api.listComments(ids.post!)],
    ['reportPost', (api) => api.reportPost(ids.post!, 'Contract check')],
    ['deletePost', (api) => api.deletePost(ids.post!)],
    // Forums and topics.
    ['listForums', async (api) => (ids.forum = first(await api.listForums(TASK_FORCE), 'forum').id)],
    ['createForum', async (api) => (ids.otherForum = (await api.createForum(TASK_FORCE, { name: 'Contract check' })).id)],
    ['listTopics', (api) => api.listTopics(TASK_FORCE, { filter: 'questions' })],
    ['createTopic', async (api) => (ids.topic = (await api.createTopic(TASK_FORCE, { forumId: ids.forum!, title: 'Contract check', body: 'Is it?', tags: ['check'], question: true })).topic.id)],
    ['getTopic', (api) => api.getTopic(ids.topic!)],
    ['editTopic', (api) => api.editTopic(ids.topic!, { title: 'Contract check, edited', tags: ['check', 'edited'] })],
    ['setTopicPinned', (api) => api.setTopicPinned(ids.topic!, true)],
    ['setTopicLocked', (api) => api.setTopicLocked(ids.topic!, false)],
    ['moveTopic', (api) => api.moveTopic(ids.topic!, ids.otherForum!)],
    ['setTopicFollowing', (api) => api.setTopicFollowing(ids.topic!, true)],
    // Replies.
    ['listReplies', (api) => api.listReplies(THREAD_TOPIC_ID, { limit: 5 })],
    ['createReply', async (api) => (ids.reply = (await api.createReply(ids.topic!, { body: 'It is.' })).reply.id)],
    ['getReply', (api) => api.getReply(ids.reply!)],
    ['editReply', (api) => api.editReply(ids.reply!, 'It is, edited.')],
    ['setReplyLiked', (api) => api.setReplyLiked(ids.reply!, true)],
    ['setAnswer', (api) => api.setAnswer(ids.topic!, ids.reply!)],
    ['flagReply', (api) => api.flagReply(ids.reply!, 'off-topic')],
    ['flagTopic', (api) => api.flagTopic(ids.topic!, 'other', 'A contract check')],
    ['listForumFlags', async (api) => (ids.flag = first(await api.listForumFlags(TASK_FORCE), 'flag').id)],
    ['resolveForumFlag', (api) => api.resolveForumFlag(ids.flag!, 'dismiss')],
    ['deleteReply', (api) => api.deleteReply(ids.reply!)],
    ['deleteTopic', (api) => api.deleteTopic(ids.topic!)],
    // Activities.
    ['listActivities', (api) => api.listActivities(TASK_FORCE)],
    ['createActivity', async (api) => (ids.activity = (await api.createActivity(TASK_FORCE, { title: 'Contract check', goal: 'Check the fixtures' })).id)],
    ['getActivity', (api) => api.getActivity(ids.activity!)],
    ['updateActivity', (api) => api.updateActivity(ids.activity!, { goal: 'Check every answer' })],
    ['addSection', (api) => api.addSection(ids.activity!, 'Later')],
    ['addStep', async (api) => (ids.step = first((await api.addStep(ids.activity!, { title: 'Walk every route' })).steps, 'step').id)],
    ['updateStep', (api) => api.updateStep(ids.step!, { notes: 'All of them' })],
    ['setStepDone', (api) => api.setStepDone(ids.step!, true)],
    ['moveStep', (api) => api.moveStep(ids.step!, { index: 0 })],
    ['listActivityUpdates', (api) => api.listActivityUpdates(ids.activity!)],
    ['postActivityUpdate', (api) => api.postActivityUpdate(ids.activity!, { body: 'Half way', stepId: ids.step })],
    ['deleteStep', (api) => api.deleteStep(ids.step!)],
    ['myTodos', (api) => api.myTodos()],
    // Services and announcements.
    ['listServices', async (api) => (ids.service = first(await api.listServices(), 'service').id)],
    ['getService', (api) => api.getService(ids.service!)],
    ['setFavorite', (api) => api.setFavorite(ids.service!, true)],
    ['setFavoriteOrder', async (api) => api.setFavoriteOrder((await api.listServices()).filter((s) => s.favorite).map((s) => s.id))],
    ['requestAccess', async (api) => {
      const locked = (await api.listServices()).filter((s) => !s.hasAccess && s.accessRequest?.state !== 'pending');
      return api.requestAccess(first(locked, 'service to ask access to').id, 'For the task force');
    }],
    ['myAccessRequests', (api) => api.myAccessRequests()],
    ['listAnnouncements', async (api) => (ids.announcement = first((await api.listAnnouncements()).filter((a) => a.dismissible), 'dismissible announcement').id)],
    ['dismissAnnouncement', (api) => api.dismissAnnouncement(ids.announcement!)],
  ];
}

/** Walks steps in order; the first that fails names its endpoint and why (BAD_RESPONSE: the answer does not match the schema). */
async function walk(api: ApiClient, steps: Step[]): Promise<string[]> {
  const done: string[] = [];
  for (const [name, call] of steps) {
    try {
      await call(api);
    } catch (err) {
      const why = err instanceof ApiError ? `${err.status} ${err.code}: ${err.message}` : String(err);
      throw new Error(`${name} against the fixtures: ${why}`);
    }
    done.push(name);
  }
  return done;
}

describe('the fixture server answers in the API contract', () => {
  it('walks every endpoint the client has', () => {
    const endpoints = [communityEndpoints, postEndpoints, forumEndpoints, replyEndpoints, activityEndpoints, serviceEndpoints, announcementEndpoints].flatMap((e) => Object.keys(e));
    const walked = resourceWalk().map(([name]) => name);
    expect([...walked].sort()).to.deep.equal([...endpoints].sort());
    for (const name of TRANSPORT) expect(typeof (ApiClient.prototype as unknown as Record<string, unknown>)[name], name).to.equal('function');
  });

  it('answers every resource endpoint as its schema says', async () => {
    const done = await walk(client(), resourceWalk());
    expect(done).to.have.length(resourceWalk().length);
  });

  it('answers the sign-in steps, the session and files as their schemas say', async () => {
    const api = client({ me: null });
    const steps: Step[] = [
      ['signIn', async (a) => expect((await postPassword(a, fixtureUsers.optedIn.email, PASSWORD)).secondFactor).to.equal(true)],
      ['verifyTotp', (a) => postCode(a, FIXTURE_CODE)],
      ['getNotice', (a) => a.getNotice()],
      ['acceptNotice', async (a) => postNoticeAcceptance(a, (await a.getNotice()).version)],
      ['me', async (a) => expect((await a.request('/api/v1/me', { schema: MeSchema })).data.id).to.equal(fixtureUsers.optedIn.id)],
      ['sessionInfo', (a) => a.sessionInfo()],
      ['authSession', (a) => a.authSession()],
      ['updateMe', (a) => a.updateMe({ title: 'Sergeant' })],
      ['file download', async (a) => expect((await a.stream('/api/v1/files/fil_unknown')).ok).to.equal(true)],
      ['signOut', (a) => a.signOut()],
      ['me (signed out)', async (a) => expect(await a.request('/api/v1/me').then(() => 0, (e: ApiError) => e.status)).to.equal(401)],
    ];
    await walk(api, steps);
    await walk(client({ me: null }), [
      ['signIn', (a) => postPassword(a, fixtureUsers.optedIn.email, PASSWORD)],
      ['verifyBackupCode', (a) => postCode(a, FIXTURE_BACKUP_CODES[0]!, true)],
    ]);
    await walk(client({ me: null, signIn: 'enrol' }), [
      ['signIn', async (a) => expect((await postPassword(a, fixtureUsers.optedIn.email, PASSWORD)).secondFactor).to.equal(false)],
      ['enableTwoFactor', (a) => postEnrolment(a, PASSWORD)],
      ['verifyTotp', (a) => postCode(a, FIXTURE_CODE)],
    ]);
  });

  it('refuses in the API’s error envelope (a code the widgets know, not a bare status)', async () => {
    const api = client();
    const refusals: Step[] = [
      ['getCommunity', (a) => a.getCommunity('no-such-community')],
      ['editPost', (a) => a.editPost('pst_none', 'x')],
      ['getTopic', (a) => a.getTopic('top_none')],
      ['getReply', (a) => a.getReply('rpl_none')],
      ['getActivity', (a) => a.getActivity('act_none')],
      ['getService', (a) => a.getService('svc_none')],
      ['createTopic (invalid)', (a) => a.createTopic(TASK_FORCE, { forumId: 'frm_none', title: '', body: '' })],
    ];
    for (const [name, call] of refusals) {
      const error = await call(api).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, name).to.be.instanceOf(ApiError);
      expect((error as ApiError).code, name).to.not.match(/^(HTTP_\d+|BAD_RESPONSE)$/);
    }
  });
});
