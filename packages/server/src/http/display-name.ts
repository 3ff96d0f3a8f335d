import { z } from '@hono/zod-openapi';
import { message } from './errors.ts';

/**
 * Characters that change how the text around them is shown without being
 * seen: bidirectional embeddings, overrides, isolates and marks (U+202A–U+202E,
 * U+2066–U+2069, U+200E, U+200F, U+061C) and zero-width characters (U+200B–
 * U+200D, U+2060, U+FEFF). In a display name they let one person's name look
 * like another's ("Dana \u202EsreyeR" shows as "Dana Reyes"), so no name may
 * carry them.
 */
export const INVISIBLE_FORMATTING = /[\u061C\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/u;

/** A person's display name, wherever one is set (sign-up, their profile). */
export const DisplayName = z
  .string(message('Enter a name'))
  // Judged before trimming, which would quietly drop a leading U+FEFF.
  .refine((name) => !INVISIBLE_FORMATTING.test(name), 'Names may not contain invisible formatting or text-direction characters')
  .trim()
  .min(1, 'Enter a name')
  .max(100)
  .openapi({ description: 'Shown to others as written: no invisible formatting or text-direction characters', example: 'Dana Reyes' });
