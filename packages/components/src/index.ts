/**
 * JusticeConnect Widgets: importing this module defines every `jc-*` element.
 * Import one widget's entry (e.g. `@justiceconnect/components/sign-in`) to load only that.
 */
export { JcProvider } from './provider/provider.js';
export { JcSignIn } from './sign-in/sign-in.js';
export { JcCommunityList } from './community-list/community-list.js';
export { JcCommunityFeed, unsentStorageKey, type UnsentPost } from './community-feed/community-feed.js';
export { JcForum } from './forum/forum.js';
export { JcForumThread } from './forum-thread/forum-thread.js';
export { JcActivityTracker, type StepChange } from './activity-tracker/activity-tracker.js';
export { JcMyTodos } from './my-todos/my-todos.js';
export { JcServiceDirectory, type ServiceStatusFilter } from './service-directory/service-directory.js';
export { JcAnnouncements } from './announcements/announcements.js';
export { ApiClient, ApiError, type AuthErrorDetail, type Enrolment, type JoinResult, type PostCreateResult, type ReplyCreateResult, type TopicCreateResult } from './api/client.js';
export { SessionStore, isFinishingSignIn, type IdleClock, type IdleStatus, type SessionEnd, type SessionState } from './api/session.js';
export { FLAG_REASONS } from './api/schemas.js';
export type {
  Attachment,
  Author,
  Comment,
  Community,
  CommunityCreate,
  CommunityListQuery,
  CommunityPage,
  CommunitySettings,
  FlagReason,
  Forum,
  ForumCreate,
  ForumFlag,
  LikeResult,
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
  Reply,
  ReplyCreate,
  ReplyListQuery,
  ReplyPage,
  ReplyQuote,
  Role,
  SessionInfo,
  SystemUseNotice,
  Topic,
  TopicCreate,
  TopicFilter,
  TopicListQuery,
  TopicPage,
  TopicPatch,
  TopicSummary,
  Visibility,
} from './api/schemas.js';
export type {
  Activity,
  ActivityCreate,
  ActivityListQuery,
  ActivityPatch,
  ActivitySection,
  ActivityStatus,
  ActivityStep,
  ActivitySummary,
  ActivityUpdate,
  ActivityUpdateCreate,
  ActivityUpdateListQuery,
  ActivityUpdatePage,
  Assignee,
  AssigneeInput,
  PersonRef,
  StepCreate,
  StepMove,
  StepPatch,
  Todo,
} from './api/activity-schemas.js';
export { SERVICE_ICONS, SERVICE_STATUSES, SEVERITIES } from './api/service-schemas.js';
export type { AccessRequest, AccessRequestState, Announcement, MaintenanceWindow, Service, ServiceIcon, ServiceStatus, Severity } from './api/service-schemas.js';
export { jcContext, type JcContextValue } from './context.js';
export { EventStream, topicMatches, type LiveEvent } from './api/events.js';
export { LiveController, type LiveOptions } from './live.js';
