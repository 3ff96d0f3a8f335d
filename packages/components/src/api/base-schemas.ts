import * as z from 'zod/mini';

/*
 * The shapes every part of the client checks: the signed-in user, an error,
 * a plain `ok`, a person and an attachment, and the steps of a sign-in
 * (packages/server/src/routes/auth.ts, me.ts, notice.ts, session.ts).
 */

/** What the server answers, checked at the boundary before any widget uses it. */
export const AgencySchema = z.object({ id: z.string(), name: z.string(), ori: z.string() });

export const MeSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  /** Vetting: `pending` until the agency administrator approves the account. */
  status: z.optional(z.enum(['pending', 'active', 'suspended', 'removed'])),
  title: z.nullable(z.string()),
  mobile: z.nullable(z.string()),
  agency: z.nullable(AgencySchema),
  optedIn: z.boolean(),
  optedInAt: z.nullable(z.string()),
});
export type Me = z.infer<typeof MeSchema>;

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** A message for each field the server refused (an object of strings; `catchall`, not `record`, which the client needs nowhere else). */
    fields: z.optional(z.catchall(z.object({}), z.string())),
  }),
});

export interface MePatch {
  name?: string;
  title?: string | null;
  mobile?: string | null;
  agencyOri?: string;
  optedIn?: boolean;
}

/** A write that answers nothing more than that it was done. */
export const OkSchema = z.object({ ok: z.literal(true) });

/** Who wrote something: a post's, topic's, reply's or update's author. */
export const PersonSchema = z.object({ id: z.string(), name: z.string(), agency: z.nullable(z.string()) });
export type Person = z.infer<typeof PersonSchema>;

/** A file attached to a post or an activity update. */
export const AttachmentSchema = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  /** Relative to the API's origin (e.g. `/api/v1/files/…`), or absolute. */
  url: z.string(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

/* Sign-in beyond the password (packages/server/src/routes/auth.ts, notice.ts, session.ts); the steps only jc-sign-in takes are in sign-in-steps.ts. */


/** The system-use notice (`GET /api/v1/notice`), accepted at every sign-in. */
export const SystemUseNoticeSchema = z.object({ version: z.string(), title: z.string(), paragraphs: z.array(z.string()) });
export type SystemUseNotice = z.infer<typeof SystemUseNoticeSchema>;

/** The session's limits (`GET /api/v1/session`; asking counts as activity). */
export const SessionInfoSchema = z.object({ idleTimeoutSeconds: z.number(), idleExpiresAt: z.string(), expiresAt: z.string() });
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

/** better-auth's own view of the session (`GET /api/auth/get-session`): answers at every step, or null. */
export const AuthSessionSchema = z.nullable(
  z.object({
    // Whether an authenticator is set up, and whether setting one up asks for a password (packages/server/src/routes/auth.ts).
    user: z.object({ id: z.string(), name: z.string(), email: z.string(), twoFactorEnabled: z.optional(z.nullable(z.boolean())), passwordSet: z.optional(z.boolean()) }),
  }),
);
export type AuthSession = z.infer<typeof AuthSessionSchema>;
