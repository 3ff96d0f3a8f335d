import { z } from '@hono/zod-openapi';

/** A keyset position: the sort key (a timestamp) and the id that breaks ties. */
export interface Keyset {
  c: string;
  i: string;
}

/** An opaque page cursor, as handed out in `nextCursor`. */
export const encodeCursor = (c: string, i: string): string => Buffer.from(JSON.stringify({ c, i })).toString('base64url');

/** The `cursor` query parameter: only a cursor this server gave out is accepted. */
export const CursorParam = z
  .string()
  .max(300)
  .transform((s, ctx) => {
    try {
      const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
      if (typeof v?.c === 'string' && typeof v?.i === 'string') return { c: v.c, i: v.i } as Keyset;
    } catch {
      /* fall through */
    }
    ctx.addIssue({ code: 'custom', message: 'Not a cursor this server gave out' });
    return z.NEVER;
  });
