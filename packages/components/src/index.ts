/**
 * JusticeConnect Widgets: importing this module defines every `jc-*` element.
 * Import one widget's entry (e.g. `@justiceconnect/components/sign-in`) to load only that.
 */
export { JcProvider } from './provider/provider.js';
export { JcSignIn } from './sign-in/sign-in.js';
export { JcCommunityList } from './community-list/community-list.js';
export { ApiClient, ApiError, type JoinResult } from './api/client.js';
export { SessionStore, type SessionState } from './api/session.js';
export type {
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
  Role,
  Visibility,
} from './api/schemas.js';
export { jcContext, type JcContextValue } from './context.js';
export { EventStream, topicMatches, type LiveEvent } from './api/events.js';
export { LiveController, type LiveOptions } from './live.js';
