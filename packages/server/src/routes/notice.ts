import { createRoute, z } from '@hono/zod-openapi';
import { appendAudit, origin } from '../audit.ts';
import { inTransaction, requireUser } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { communityErrors, jsonBody, jsonContent } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';

/**
 * The system-use notice (CJIS Security Policy's system use notification),
 * shown and accepted at every sign-in before anything else answers. Its
 * version changes whenever its text does; a session accepted one version, and
 * a new version asks again.
 */
export const NOTICE = {
  version: '2026-11-01',
  title: 'U.S. Government information system',
  paragraphs: [
    'You are accessing a U.S. Government information system, which includes this computer, this computer network, all computers connected to this network, and all devices and/or storage media attached to this network or to a computer on this network. This information system is provided for U.S. Government-authorized use only.',
    'Unauthorized or improper use of this system may result in disciplinary action, and civil and criminal penalties. By using this information system, you understand and consent to the following:',
    'You have no reasonable expectation of privacy regarding any communications transmitted through or data stored on this information system.',
    'At any time, the government may monitor, intercept, search and/or seize data transmitted or stored on this information system. Any communications transmitted through or data stored on this information system may be disclosed or used for any U.S. Government-authorized purpose.',
  ],
} as const;

const NoticeSchema = z.object({ version: z.string(), title: z.string(), paragraphs: z.array(z.string()) }).openapi('SystemUseNotice');

const get = createRoute({ method: 'get', path: '/', tags: ['notice'], summary: 'The system-use notice to show at sign-in', responses: { 200: jsonContent(NoticeSchema, 'The notice') } });
const accept = createRoute({
  method: 'post',
  path: '/accept',
  tags: ['notice'],
  summary: 'Accept the notice for this session (recorded with its version)',
  request: jsonBody(z.strictObject({ version: z.string().min(1).max(50) })),
  responses: { 200: jsonContent(z.object({ ok: z.literal(true), version: z.string() }), 'Accepted'), ...communityErrors },
});

export const notice = createRouter()
  .openapi(get, (c) => c.json({ version: NOTICE.version, title: NOTICE.title, paragraphs: [...NOTICE.paragraphs] }, 200))
  .openapi(accept, async (c) => {
    const { version } = c.req.valid('json');
    const user = await requireUser(c);
    if (version !== NOTICE.version) throw new ApiError(409, 'NOTICE_CHANGED', 'The notice has changed: read the current one.', { version: 'Not the current notice' });
    const sessionId = c.get('sessionId')!;
    const { clock } = c.get('services');
    await inTransaction(c, async (trx) => {
      const at = clock.now().toISOString();
      await trx
        .insertInto('notice_acceptance')
        .values({ user_id: user.id, version, accepted_at: at, ip: origin(c).ip })
        .onConflict((oc) => oc.columns(['user_id', 'version']).doUpdateSet({ accepted_at: at }))
        .execute();
      await trx.updateTable('session_activity').set({ notice_version: version }).where('session_id', '=', sessionId).execute();
      await appendAudit(trx, { actorId: user.id, action: 'notice.accept', target: version, outcome: 'success', ...origin(c) });
    });
    return c.json({ ok: true as const, version }, 200);
  });
