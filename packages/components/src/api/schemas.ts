import * as z from 'zod/mini';

/** What the server answers, checked at the boundary before any widget uses it. */
export const AgencySchema = z.object({ id: z.string(), name: z.string(), ori: z.string() });

export const MeSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  title: z.nullable(z.string()),
  mobile: z.nullable(z.string()),
  agency: z.nullable(AgencySchema),
  optedIn: z.boolean(),
  optedInAt: z.nullable(z.string()),
});
export type Me = z.infer<typeof MeSchema>;

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.optional(z.record(z.string(), z.string())),
  }),
});

export interface MePatch {
  name?: string;
  title?: string | null;
  mobile?: string | null;
  agencyOri?: string;
  optedIn?: boolean;
}
