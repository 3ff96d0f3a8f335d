import { createRoute, z } from '@hono/zod-openapi';
import { ApiError, ErrorBodySchema } from '../http/errors.ts';
import { emit, inTransaction, requireUser } from '../http/context.ts';
import { createRouter } from '../http/router.ts';
import { DisplayName } from '../http/display-name.ts';
import { findAgencyByOri, loadMe, updateProfile } from '../data/profiles.ts';
import { OriSchema, inputErrors, jsonBody, jsonContent } from '../http/openapi.ts';

// Where federation/schemas.ts still takes it from (importing it from http/openapi.ts instead ends the last import cycle).
export { OriSchema };

const AgencySchema = z.object({ id: z.string(), name: z.string(), ori: z.string() }).openapi('Agency');

export const MeSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    status: z.enum(['pending', 'active', 'suspended', 'removed']).openapi({ description: 'pending until an agency administrator approves the account' }),
    siteAdmin: z.boolean(),
    agencyAdmin: z.boolean(),
    title: z.string().nullable(),
    mobile: z.string().nullable(),
    agency: AgencySchema.nullable(),
    optedIn: z.boolean(),
    optedInAt: z.string().nullable(),
  })
  .openapi('Me');

const MePatchSchema = z
  .strictObject({
    name: DisplayName,
    title: z.string().trim().max(100).nullable(),
    mobile: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ().-]{7,20}$/, 'Enter a phone number')
      .nullable(),
    agencyOri: OriSchema,
    optedIn: z.boolean(),
  })
  .partial()
  .refine((p) => Object.keys(p).length > 0, { message: 'Send at least one field to change' })
  .openapi('MePatch');

const getMe = createRoute({
  method: 'get',
  path: '/',
  tags: ['me'],
  summary: 'The signed-in user and their JusticeConnect profile',
  responses: {
    200: jsonContent(MeSchema, 'The signed-in user'),
    401: inputErrors[401],
  },
});

const patchMe = createRoute({
  method: 'patch',
  path: '/',
  tags: ['me'],
  summary: 'Change your profile, agency or JusticeConnect opt-in',
  request: jsonBody(MePatchSchema),
  responses: {
    200: jsonContent(MeSchema, 'The updated profile'),
    ...inputErrors,
    422: jsonContent(ErrorBodySchema, 'Unknown agency'),
  },
});

export const me = createRouter()
  .openapi(getMe, async (c) => {
    const user = await requireUser(c);
    const found = await loadMe(c.get('services').db.kysely, user.id);
    if (!found) throw new ApiError(401, 'UNAUTHENTICATED', 'Sign in to use this.');
    return c.json(found, 200);
  })
  .openapi(patchMe, async (c) => {
    const user = await requireUser(c);
    const body = c.req.valid('json');
    const result = await inTransaction(c, async (trx) => {
      let agencyId: string | undefined;
      if (body.agencyOri !== undefined) {
        const agency = await findAgencyByOri(trx, body.agencyOri);
        if (!agency) throw new ApiError(422, 'UNKNOWN_AGENCY', 'No agency has that ORI.', { agencyOri: 'No agency has this ORI' });
        agencyId = agency.id;
      }
      await updateProfile(trx, user.id, {
        name: body.name,
        title: body.title,
        mobile: body.mobile,
        agencyId,
        optedIn: body.optedIn,
      });
      await emit(c, trx, { type: 'profile.changed', userId: user.id, payload: { fields: Object.keys(body) } });
      return loadMe(trx, user.id);
    });
    if (!result) throw new ApiError(401, 'UNAUTHENTICATED', 'Sign in to use this.');
    return c.json(result, 200);
  });
