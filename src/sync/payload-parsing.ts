// Shared by the sources that validate untrusted JSON with zod (Zepp cloud,
// Mi Fitness): numbers that arrive as numbers or as numeric strings, and a
// short one-line account of what did not match, for error messages.
import { z } from 'zod';

/** A number sent as a JSON number or as a numeric string. */
export const numeric = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/),
  ])
  .transform(Number);

/** The first five problems as "path: message", joined on one line. */
export function formatZodError(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
