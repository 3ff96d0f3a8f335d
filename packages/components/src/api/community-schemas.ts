import * as z from 'zod/mini';

/* Communities (GET/POST /api/v1/communities…, packages/server/src/communities/). */

export const VisibilitySchema = z.enum(['public', 'moderated', 'restricted']);
export type Visibility = z.infer<typeof VisibilitySchema>;
export const RoleSchema = z.enum(['owner', 'moderator', 'member']);
export type Role = z.infer<typeof RoleSchema>;
export const MembershipStateSchema = z.enum(['active', 'requested', 'invited']);
export type MembershipState = z.infer<typeof MembershipStateSchema>;

export const MembershipSchema = z.object({ role: RoleSchema, state: MembershipStateSchema });
export type Membership = z.infer<typeof MembershipSchema>;

export const CommunitySettingsSchema = z.object({
  descriptionTemplate: z.optional(z.string()),
  forums: z.optional(z.array(z.object({ name: z.string(), description: z.optional(z.string()) }))),
  activityTemplates: z.optional(z.array(z.object({ title: z.string(), steps: z.array(z.string()) }))),
});
export type CommunitySettings = z.infer<typeof CommunitySettingsSchema>;

export const CommunitySchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  bannerUrl: z.nullable(z.string()),
  tags: z.array(z.string()),
  visibility: VisibilitySchema,
  parentId: z.nullable(z.string()),
  /** The ancestors, root first (empty for a top-level community). */
  path: z.array(z.object({ id: z.string(), slug: z.string(), name: z.string() })),
  settings: CommunitySettingsSchema,
  archived: z.boolean(),
  /** Active members only. */
  memberCount: z.number(),
  /** The signed-in user's own membership here, if any (requested and invited included). */
  membership: z.nullable(MembershipSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Community = z.infer<typeof CommunitySchema>;

export const CommunityPageSchema = z.object({ items: z.array(CommunitySchema), nextCursor: z.nullable(z.string()) });
export type CommunityPage = z.infer<typeof CommunityPageSchema>;

export const MembershipResultSchema = z.object({ community: CommunitySchema, membership: z.nullable(MembershipSchema) });
export type MembershipResult = z.infer<typeof MembershipResultSchema>;

export const MemberSchema = z.object({
  userId: z.string(),
  name: z.string(),
  agency: z.nullable(z.string()),
  role: RoleSchema,
  state: MembershipStateSchema,
  since: z.string(),
});
export type Member = z.infer<typeof MemberSchema>;

export const MemberListSchema = z.object({ items: z.array(MemberSchema) });

export interface CommunityListQuery {
  /** `mine` (default): communities you belong to, asked to join or are invited to; `all`: every one you may see. */
  scope?: 'mine' | 'all';
  /** Only the subcommunities of this community (slug or id). */
  parent?: string;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** 1–100 (the server's default is 25). */
  limit?: number;
  archived?: boolean;
}

export interface CommunityCreate {
  name: string;
  slug?: string;
  description?: string;
  bannerUrl?: string | null;
  tags?: string[];
  visibility?: Visibility;
  /** Create as a subcommunity of this community (slug or id); you must own or moderate it. */
  parent?: string;
  /** Copy this community's visibility and settings (never its members or content). */
  copyFrom?: string;
  settings?: CommunitySettings;
}
