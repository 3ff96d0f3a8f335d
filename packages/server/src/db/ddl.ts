import type { ColumnDataType, ColumnDefinitionBuilder, CreateTableBuilder, Kysely } from 'kysely';
import { dialectOf } from './dialect.ts';

/*
 * The schema statements the migrations repeat, written once: a table is its
 * columns, each described the way SQL would (`author_id text not null
 * references user.id on delete cascade`), built with Kysely's schema builder
 * so each database gets its own spelling.
 *
 * Migrations are history: what these helpers emit for a given description
 * must never change, or a database migrated before and one migrated after
 * would differ. Add a new word rather than change what an old one means.
 */

/**
 * A column: `<type> [primary key] [not null] [unique] [default <'text'|number>]
 * [references <table>.<column> [on delete cascade|set null|restrict]]`, in that
 * order. The type `serial` is an increasing integer key: `bigserial` on
 * PostgreSQL, `integer … autoincrement` on SQLite (which never reuses one).
 */
export type ColumnSpec = string;

const COLUMN =
  /^(double precision|\w+)( primary key)?( not null)?( unique)?(?: default ('[^']*'|-?\d+))?(?: references (\w+\.\w+)(?: on delete (cascade|set null|restrict))?)?$/;

function column(db: Kysely<any>, spec: ColumnSpec): [ColumnDataType, (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder] {
  const m = COLUMN.exec(spec);
  if (!m) throw new Error(`A column description Kysely cannot be given: "${spec}"`);
  const [, type, primaryKey, notNull, unique, defaultTo, references, onDelete] = m;
  if (type === 'serial') {
    if (dialectOf(db).kind === 'postgres') return ['bigserial', (c) => c.primaryKey()];
    return ['integer', (c) => c.primaryKey().autoIncrement()];
  }
  const build = (c: ColumnDefinitionBuilder) => {
    if (primaryKey) c = c.primaryKey();
    if (notNull) c = c.notNull();
    if (unique) c = c.unique();
    if (defaultTo !== undefined) c = c.defaultTo(defaultTo.startsWith("'") ? defaultTo.slice(1, -1) : Number(defaultTo));
    if (references) c = c.references(references);
    if (onDelete) c = c.onDelete(onDelete as 'cascade' | 'set null' | 'restrict');
    return c;
  };
  return [type as ColumnDataType, build];
}

/**
 * Creates `table` with its columns in the order given: column descriptions
 * separated by commas (a line of its own starting `//` is a note, not a
 * column); a composite primary key is named `<table>_pk`.
 */
export async function createTable(db: Kysely<any>, table: string, columns: string, options: { primaryKey?: string[] } = {}): Promise<void> {
  let builder: CreateTableBuilder<string, string> = db.schema.createTable(table);
  const described = columns
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  for (const c of described) {
    const space = c.indexOf(' ');
    builder = builder.addColumn(c.slice(0, space), ...column(db, c.slice(space + 1)));
  }
  if (options.primaryKey) builder = builder.addPrimaryKeyConstraint(`${table}_pk`, options.primaryKey);
  await builder.execute();
}

/**
 * The first two columns of a row that belongs to a `parent` row and is deleted
 * with it: its own text id, then `<parent>_id`, not null, referencing
 * `<parent>.id` on delete cascade. Its text must never change (see above).
 */
export function ownedBy(parent: string): string {
  return `id text primary key, ${parent}_id text not null references ${parent}.id on delete cascade,`;
}

/**
 * A table that marks a thing for a user once (a like, a follow, a dismissal):
 * `<thing>_id` and `user_id`, each deleted with its row, and when; keyed by
 * the pair. Its statement must never change (see above).
 */
export async function createUserMark(db: Kysely<any>, table: string, thing: string): Promise<void> {
  await createTable(db, table, `
    ${thing}_id text not null references ${thing}.id on delete cascade,
    user_id text not null references user.id on delete cascade,
    created_at text not null,
  `, { primaryKey: [`${thing}_id`, 'user_id'] });
}

/** Adds one column to an existing table. */
export async function addColumn(db: Kysely<any>, table: string, name: string, spec: ColumnSpec): Promise<void> {
  await db.schema.alterTable(table).addColumn(name, ...column(db, spec)).execute();
}

/** Creates the index `name` on `table`'s columns, in order. */
export async function createIndex(db: Kysely<any>, name: string, table: string, columns: string[], options: { unique?: boolean } = {}): Promise<void> {
  const builder = db.schema.createIndex(name).on(table).columns(columns);
  await (options.unique ? builder.unique() : builder).execute();
}
