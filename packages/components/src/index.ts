/**
 * JusticeConnect Widgets: importing this module defines every `jc-*` element.
 * Import one widget's entry (e.g. `@justiceconnect/components/sign-in`) to load only that.
 */
export { JcProvider } from './provider/provider.js';
export { JcSignIn } from './sign-in/sign-in.js';
export { JcCommunityList } from './community-list/community-list.js';
export { JcCommunityFeed, unsentStorageKey, type UnsentPost } from './community-feed/community-feed.js';
export { ApiClient, ApiError, type JoinResult, type PostCreateResult } from './api/client.js';
export { SessionStore, type SessionState } from './api/session.js';
export type {
  Attachment,
  Comment,
  Community,
  CommunityCreate,
  CommunityListQuery,
  CommunityPage,
  CommunitySettings,
  Me,
  MePatch,
  Member,
  Membership,
  MembershipResult,
  MembershipState,
  Person,
  Post,
  PostCreate,
  PostListQuery,
  PostPage,
  PostType,
  ReactionCounts,
  ReactionKind,
  ReactionsResult,
  Role,
  Visibility,
} from './api/schemas.js';
export { jcContext, type JcContextValue } from './context.js';
export { EventStream, topicMatches, type LiveEvent } from './api/events.js';
export { LiveController, type LiveOptions } from './live.js';
