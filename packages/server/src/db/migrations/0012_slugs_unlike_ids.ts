import { type Kysely } from 'kysely';
import { renameIdShapedSlugs } from '../ids.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // A path's {ref} with an id's shape now names a community by id only: no slug may have that shape.
  await renameIdShapedSlugs(db);
}
