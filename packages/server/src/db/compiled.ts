import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import { directReads, namedStatements } from './database.ts';

/**
 * Queries on the hot read path, built once. Kysely builds and compiles a
 * query anew on every call, which for a join-heavy select costs more than
 * SQLite takes to run it. Here a query is built once with placeholders for
 * its values, and each later call runs the same SQL with the real values.
 *
 * `shape` names everything that changes the SQL text itself (which optional
 * filters are present, how long an `in` list is); the values change only
 * the parameters. The build function must use each placeholder it is given
 * as a plain value, never to decide the query's shape. Use it for reads
 * only: on SQLite, outside a transaction, it runs the statement directly;
 * on PostgreSQL it runs as a named prepared statement.
 */
const PLACEHOLDER = /^\u0000jc-arg-(\d+)\u0000$/;
const placeholder = (i: number) => `\u0000jc-arg-${i}\u0000`;

interface Entry {
  compiled: CompiledQuery;
  /** For each compiled parameter: which argument it takes, or null for a constant. */
  slots: (number | null)[];
}

// One set of compiled queries per dialect (a transaction shares its database's adapter).
const byAdapter = new WeakMap<object, Map<string, Entry>>();

export async function compiled<Row, Args extends readonly unknown[]>(
  db: Kysely<any>,
  shape: string,
  args: Args,
  build: (...values: { [K in keyof Args]: never }) => Compilable<Row>,
): Promise<Row[]> {
  const adapter = db.getExecutor().adapter;
  let entries = byAdapter.get(adapter);
  if (!entries) byAdapter.set(adapter, (entries = new Map()));
  let entry = entries.get(shape);
  if (!entry) {
    const query = build(...(args.map((_, i) => placeholder(i)) as never)).compile();
    const slots = query.parameters.map((p) => {
      const m = typeof p === 'string' ? PLACEHOLDER.exec(p) : null;
      return m ? Number(m[1]) : null;
    });
    const used = new Set(slots.filter((s) => s !== null));
    if (used.size !== args.length) throw new Error(`compiled query ${shape}: ${args.length - used.size} of its values are not parameters`);
    entry = { compiled: query, slots };
    entries.set(shape, entry);
    if (!namedStatements.has(query.sql)) namedStatements.set(query.sql, `jc_read_${namedStatements.size + 1}`);
  }
  const { compiled: query, slots } = entry;
  const parameters = query.parameters.map((p, i) => (slots[i] === null ? p : args[slots[i]!]));
  const rows = directReads.get(db)?.<Row>(query.sql, parameters);
  if (rows) return rows;
  const result = await db.executeQuery<Row>({ ...query, parameters });
  return result.rows;
}
