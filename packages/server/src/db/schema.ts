import type { Generated } from 'kysely';
import type { FederatedIdentityTable, FederationJtiTable, FederationStateTable, IdentityProviderTable } from './schema-federation.ts';

export type { FederatedIdentityTable, FederationJtiTable, FederationStateTable, IdentityProviderTable } from './schema-federation.ts';

/**
 * Tables as Kysely sees them. Timestamps are ISO-8601 UTC strings and booleans
 * are 0/1 integers, so the same queries and rows work on SQLite and PostgreSQL.
 */
export interface AgencyTable {
  id: string;
  name: string;
  /** Originating Agency Identifier: 9 characters, upper case. */
  ori: string;
  created_at: string;
}

export type UserStatus = 'pending' | 'active' | 'suspended' | 'removed';
export type Visibility = 'public' | 'moderated' | 'restricted';
export type Role = 'owner' | 'moderator' | 'member';
export type MembershipState = 'active' | 'requested' | 'invited';

export interface ProfileTable {
  user_id: string;
  agency_id: string | null;
  /** Vetting: pending until an agency administrator approves. */
  status: Generated<UserStatus>;
  site_admin: Generated<number>;
  /** Administrator of their own agency (agency_id). */
  agency_admin: Generated<number>;
  title: string | null;
  mobile: string | null;
  opted_in: number;
  opted_in_at: string | null;
  created_at: string;
  /** Set when too many sign-ins failed; cleared by an administrator's unlock. */
  locked_at: Generated<string | null>;
  updated_at: string;
}

export interface CommunityTable {
  id: string;
  parent_id: string | null;
  slug: string;
  name: string;
  description: string;
  banner_url: string | null;
  /** JSON array of strings. */
  tags: string;
  visibility: Visibility;
  /** JSON: settings a new community may copy (description template, forum and activity templates). */
  settings: string;
  created_by: string;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface MembershipTable {
  community_id: string;
  user_id: string;
  role: Role;
  state: MembershipState;
  /** An invitation sent to an email address: known to the invitee alone until they accept it. */
  via_email: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface EventTable {
  /** The row's own id: insertion order, not delivery order. */
  id: Generated<number | string>;
  /** The delivery number (the event id streams see): committed events in order; null until numbered (PostgreSQL, events/sequencer.ts). */
  seq: number | string | null;
  type: string;
  /** The community the event belongs to (its readers receive it), or null. */
  community_id: string | null;
  /** The one user the event is for, or null. Both null: everyone signed in. */
  user_id: string | null;
  /** 1 for content events (posts, replies, steps): only those who may read inside receive them. */
  content: Generated<number>;
  payload: string;
  created_at: string;
}

export type PostType = 'status' | 'blog' | 'file' | 'forum' | 'activity';

export interface PostTable {
  id: string;
  community_id: string;
  author_id: string;
  type: PostType;
  /** Blog entries may be for the author's followers only. */
  audience: Generated<'community' | 'followers'>;
  title: string | null;
  body: string;
  attachment_id: string | null;
  /** The client's idempotency key: a retried post is not written twice. */
  client_id: string | null;
  comment_count: Generated<number>;
  edited_at: string | null;
  deleted_at: string | null;
  created_at: string;
}

/** A file's bytes in the database file store (data/stores/database-store.ts), chunk `seq` of its storage key. */
export interface FileChunkTable {
  storage_key: string;
  seq: number;
  bytes: Uint8Array;
}

export interface AttachmentTable {
  id: string;
  community_id: string;
  uploader_id: string;
  filename: string;
  content_type: string;
  size: number;
  storage_key: string;
  created_at: string;
  /** When it was attached to its one post or activity update; null while unattached. */
  attached_at: string | null;
  /** When its post was deleted or it was swept unattached: from then on it is not served, and its bytes go. */
  deleted_at: string | null;
}

export interface ReactionTable {
  post_id: string;
  user_id: string;
  kind: 'like' | 'thanks' | 'important';
  created_at: string;
}

export interface CommentTable {
  id: string;
  post_id: string;
  author_id: string;
  body: string;
  deleted_at: string | null;
  created_at: string;
}

export interface ReportTable {
  id: string;
  post_id: string;
  reporter_id: string;
  reason: string;
  created_at: string;
}

export interface FollowTable {
  follower_id: string;
  followee_id: string;
  created_at: string;
}

export interface ForumTable {
  id: string;
  community_id: string;
  name: string;
  description: Generated<string>;
  position: number;
  topic_count: Generated<number>;
  last_activity_at: string | null;
  created_at: string;
}

export interface TopicTable {
  id: string;
  forum_id: string;
  community_id: string;
  author_id: string;
  title: string;
  body: string;
  /** JSON array of tags (topic_tag holds the same, for filtering). */
  tags: Generated<string>;
  question: Generated<number>;
  answer_reply_id: string | null;
  pinned: Generated<number>;
  locked: Generated<number>;
  reply_count: Generated<number>;
  last_seq: Generated<number>;
  client_id: string | null;
  last_activity_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  created_at: string;
}

export interface TopicTagTable {
  topic_id: string;
  tag: string;
}

export interface ReplyTable {
  id: string;
  topic_id: string;
  author_id: string;
  parent_id: string | null;
  quote_id: string | null;
  root_seq: number;
  seq: number;
  body: string;
  like_count: Generated<number>;
  client_id: string | null;
  edited_at: string | null;
  deleted_at: string | null;
  created_at: string;
}

export interface ReplyLikeTable {
  reply_id: string;
  user_id: string;
  created_at: string;
}

export interface TopicFollowTable {
  topic_id: string;
  user_id: string;
  created_at: string;
}

export type FlagReason = 'sensitive-information' | 'off-topic' | 'abusive' | 'spam' | 'other';

export interface ForumFlagTable {
  id: string;
  community_id: string;
  topic_id: string;
  reply_id: string | null;
  reporter_id: string;
  reason: FlagReason;
  note: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: 'dismissed' | 'removed' | null;
  created_at: string;
}

export type ActivityStatus = 'active' | 'completed' | 'cancelled';

export interface ActivityTable {
  id: string;
  community_id: string;
  title: string;
  goal: Generated<string>;
  owner_id: string;
  /** A calendar date, YYYY-MM-DD (shown as such in every time zone). */
  due_date: string | null;
  status: Generated<ActivityStatus>;
  is_template: Generated<number>;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface ActivitySectionTable {
  id: string;
  activity_id: string;
  title: string;
  position: number;
}

export interface ActivityStepTable {
  id: string;
  activity_id: string;
  community_id: string;
  section_id: string | null;
  title: string;
  notes: Generated<string>;
  assignee_kind: 'user' | 'group' | null;
  assignee_id: string | null;
  due_date: string | null;
  done: Generated<number>;
  done_by: string | null;
  done_at: string | null;
  position: number;
  created_at: string;
  updated_at: string;
}

export interface ActivityUpdateTable {
  id: string;
  activity_id: string;
  step_id: string | null;
  author_id: string;
  body: string;
  attachment_id: string | null;
  created_at: string;
}

export type ServiceStatus = 'operational' | 'degraded' | 'partial-outage' | 'major-outage' | 'maintenance';
export type ServiceRole = 'site-admin' | 'agency-admin';

export interface ServiceTable {
  id: string;
  name: string;
  icon: string;
  description: Generated<string>;
  url: string;
  community_id: string | null;
  access_rule: Generated<'everyone' | 'restricted'>;
  access_instructions: Generated<string>;
  health_url: string | null;
  position: number;
  status: Generated<ServiceStatus>;
  status_message: string | null;
  status_source: Generated<'admin' | 'health-check'>;
  status_updated_at: string;
  created_at: string;
  updated_at: string;
}

export interface ServiceAccessTable {
  service_id: string;
  /** 'agency' (value: an agency id) or 'role' (value: a ServiceRole). */
  kind: 'agency' | 'role';
  value: string;
}

export interface ServiceGrantTable {
  service_id: string;
  user_id: string;
  granted_by: string | null;
  created_at: string;
}

export interface MaintenanceWindowTable {
  id: string;
  service_id: string;
  starts_at: string;
  ends_at: string;
  message: Generated<string>;
  created_by: string | null;
  created_at: string;
  start_announced: Generated<number>;
  end_announced: Generated<number>;
}

export interface ServiceFavoriteTable {
  user_id: string;
  service_id: string;
  position: number;
}

export interface AccessRequestTable {
  id: string;
  service_id: string;
  user_id: string;
  note: string | null;
  state: Generated<'pending' | 'granted' | 'denied'>;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  created_at: string;
}

export type Severity = 'success' | 'information' | 'warning' | 'error' | 'emergency';

export interface AnnouncementTable {
  id: string;
  severity: Severity;
  title: string;
  body: Generated<string>;
  starts_at: string;
  ends_at: string | null;
  audience_kind: Generated<'everyone' | 'agencies' | 'roles'>;
  audience: Generated<string>;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  start_announced: Generated<number>;
  end_announced: Generated<number>;
}

export interface AnnouncementDismissalTable {
  announcement_id: string;
  user_id: string;
  created_at: string;
}

/** What an audit entry says, the same whether it waits in audit_outbox or stands chained in audit_log. */
interface AuditEntryColumns {
  /** UTC, ISO 8601. */
  at: string;
  actor_id: string | null;
  /** The actor's agency when the entry was written: its administrators read it. */
  actor_agency_id: string | null;
  action: string;
  target: string | null;
  outcome: 'success' | 'failure' | 'denied';
  ip: string | null;
  user_agent: string | null;
  /** JSON; never a secret, password, token or code. */
  details: string;
}

export interface AuditLogTable extends AuditEntryColumns {
  seq: Generated<number | string>;
  prev_hash: string;
  hash: string;
}

/** Audit entries written by a transaction on PostgreSQL, waiting to be chained into audit_log (audit-outbox.ts). */
export interface AuditOutboxTable extends AuditEntryColumns {
  id: Generated<number | string>;
}

export interface AuthFailureTable {
  id: Generated<number | string>;
  user_id: string;
  kind: 'password' | 'second-factor';
  at: string;
}

export interface RateBucketTable {
  key: string;
  tokens: number;
  /** Milliseconds since the epoch (a string from PostgreSQL's bigint). */
  at: number | string;
}

export interface LiveStreamTable {
  id: string;
  user_id: string;
  process_id: string;
  opened_at: string;
  heartbeat_at: string;
}

export interface AuthLeaseTable {
  user_id: string;
  holder: string;
  expires_at: string;
}

export interface NoticeAcceptanceTable {
  user_id: string;
  version: string;
  accepted_at: string;
  ip: string | null;
}

export interface SessionActivityTable {
  session_id: string;
  user_id: string;
  last_seen_at: string;
  notice_version: string | null;
  /** When this session passed the one-time-code step (null: it has not). */
  second_factor_at: string | null;
  /** How: null (our one-time code), or 'idp' (the identity provider's multi-factor sign-in). */
  second_factor_by: Generated<string | null>;
  /** The identity provider that opened this session (federation/), or null for a local sign-in. */
  idp_id: Generated<string | null>;
}

export interface TotpUsedTable {
  user_id: string;
  code: string;
  used_at: string;
}

export interface SessionTable {
  id: string;
  userId: string;
  token: string;
  expiresAt: string | Date;
  createdAt: string | Date;
}

/** better-auth's own user table (camelCase columns are better-auth's). */
export interface AuthUserTable {
  id: string;
  name: string;
  email: string;
  emailVerified: Generated<number | boolean>;
  image: string | null;
  createdAt: Generated<string | Date>;
  updatedAt: Generated<string | Date>;
  /** better-auth's two-factor plugin: set once TOTP is confirmed (0/1 on SQLite). */
  twoFactorEnabled: Generated<number | boolean | null>;
}

/** better-auth's accounts: the columns JusticeConnect reads (a password is the `credential` provider's; an identity provider's account has none). */
export interface AccountTable {
  id: string;
  userId: string;
  providerId: string;
  password: string | null;
}

/** better-auth's two-factor plugin's table (secret and backup codes encrypted with the server's secret). */
export interface TwoFactorTable {
  id: string;
  userId: string;
  secret: string;
  backupCodes: string;
  verified: Generated<number | boolean | null>;
  failedVerificationCount: Generated<number | null>;
  lockedUntil: Generated<string | Date | null>;
}

/** better-auth's verification values (the two-factor challenge among them). */
export interface VerificationTable {
  id: string;
  identifier: string;
  value: string;
  expiresAt: string | Date;
}

export interface Database {
  agency: AgencyTable;
  profile: ProfileTable;
  community: CommunityTable;
  membership: MembershipTable;
  user: AuthUserTable;
  account: AccountTable;
  session: SessionTable;
  twoFactor: TwoFactorTable;
  verification: VerificationTable;
  event: EventTable;
  post: PostTable;
  attachment: AttachmentTable;
  file_chunk: FileChunkTable;
  reaction: ReactionTable;
  comment: CommentTable;
  report: ReportTable;
  follow: FollowTable;
  forum: ForumTable;
  topic: TopicTable;
  topic_tag: TopicTagTable;
  reply: ReplyTable;
  reply_like: ReplyLikeTable;
  topic_follow: TopicFollowTable;
  forum_flag: ForumFlagTable;
  activity: ActivityTable;
  activity_section: ActivitySectionTable;
  activity_step: ActivityStepTable;
  activity_update: ActivityUpdateTable;
  service: ServiceTable;
  service_access: ServiceAccessTable;
  service_grant: ServiceGrantTable;
  maintenance_window: MaintenanceWindowTable;
  service_favorite: ServiceFavoriteTable;
  access_request: AccessRequestTable;
  announcement: AnnouncementTable;
  announcement_dismissal: AnnouncementDismissalTable;
  audit_log: AuditLogTable;
  audit_outbox: AuditOutboxTable;
  auth_failure: AuthFailureTable;
  rate_bucket: RateBucketTable;
  live_stream: LiveStreamTable;
  auth_lease: AuthLeaseTable;
  notice_acceptance: NoticeAcceptanceTable;
  session_activity: SessionActivityTable;
  totp_used: TotpUsedTable;
  identity_provider: IdentityProviderTable;
  federated_identity: FederatedIdentityTable;
  federation_state: FederationStateTable;
  federation_jti: FederationJtiTable;
}
