import { type Kysely } from 'kysely';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // A sign-in begun in a popup by a page on another allow-listed origin: that exact origin, which
  // alone receives the bearer credential (postMessage's targetOrigin). Null: a same-origin redirect.
  await db.schema.alterTable('federation_state').addColumn('popup_origin', 'text').execute();
}
