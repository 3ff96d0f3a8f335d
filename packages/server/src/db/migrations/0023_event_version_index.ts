import { type Kysely } from 'kysely';
import { createIndex } from '../ddl.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // A community's latest event (posts/page-cache.ts: the version of its shared feed page), and the latest profile change.
  await createIndex(db, 'event_community_seq_idx', 'event', ['community_id', 'seq']);
  await createIndex(db, 'event_type_seq_idx', 'event', ['type', 'seq']);
}
