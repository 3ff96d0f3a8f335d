/* Communities and their members (packages/server/src/communities/). */

import { call, type ApiTransport } from './transport.js';
import { community, queryString } from './paths.js';
import { OkSchema } from './base-schemas.js';
import {
  CommunityPageSchema,
  CommunitySchema,
  MemberListSchema,
  MemberSchema,
  MembershipResultSchema,
  type Community,
  type CommunityCreate,
  type CommunityListQuery,
  type CommunityPage,
  type Member,
  type MembershipResult,
  type MembershipState,
} from './community-schemas.js';

/** What joining answered: a member at once (200), or a request waiting for an owner or moderator (202). */
export interface JoinResult extends MembershipResult {
  requested: boolean;
}

export const communityEndpoints = {
  /** A page of communities: yours (default) or all you may see, most recently updated first. */
  async listCommunities(this: ApiTransport, query: CommunityListQuery = {}): Promise<CommunityPage> {
    const qs = queryString({ scope: query.scope, parent: query.parent, cursor: query.cursor, limit: query.limit, archived: query.archived });
    return call(this, `/api/v1/communities${qs}`, CommunityPageSchema);
  },

  /** Creates a community (or a subcommunity, with `parent`); the signed-in user is its owner. */
  async createCommunity(this: ApiTransport, body: CommunityCreate): Promise<Community> {
    return call(this, '/api/v1/communities', CommunitySchema, 'POST', body);
  },

  /** Joins a public community, asks to join a moderated one, or accepts an invitation. */
  async joinCommunity(this: ApiTransport, ref: string): Promise<JoinResult> {
    const { data, response } = await this.request(`${community(ref)}/join`, { method: 'POST', body: {}, schema: MembershipResultSchema });
    return { ...data, requested: response.status === 202 };
  },

  /** Leaves (and every subcommunity below), cancels a request, or declines an invitation. */
  async leaveCommunity(this: ApiTransport, ref: string): Promise<MembershipResult> {
    return call(this, `${community(ref)}/leave`, MembershipResultSchema, 'POST', {});
  },

  /** Members (`active`), or, for owners and moderators, pending requests (`requested`) and invitations (`invited`). */
  async listMembers(this: ApiTransport, ref: string, state: MembershipState = 'active'): Promise<Member[]> {
    return (await call(this, `${community(ref)}/members${queryString({ state })}`, MemberListSchema)).items;
  },

  /** Approves a request to join (owners and moderators). */
  async approveMember(this: ApiTransport, ref: string, userId: string): Promise<Member> {
    return call(this, `${community(ref)}/members/${encodeURIComponent(userId)}/approve`, MemberSchema, 'POST', {});
  },

  /** Denies a request to join (owners and moderators). */
  async denyMember(this: ApiTransport, ref: string, userId: string): Promise<void> {
    await call(this, `${community(ref)}/members/${encodeURIComponent(userId)}/deny`, OkSchema, 'POST', {});
  },

  /** One community (with the signed-in user's membership); 404 for one you may not see. */
  async getCommunity(this: ApiTransport, ref: string): Promise<Community> {
    return call(this, community(ref), CommunitySchema);
  },
};
