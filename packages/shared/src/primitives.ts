import { z } from 'zod';

export const ID_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const idField = z
  .string()
  .regex(ID_PATTERN, 'must be 1-64 characters of a-z, 0-9, "_", "." or "-", starting with a letter or digit');

const DURATION_UNITS_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION_PATTERN = /^(\d+)(s|m|h|d)$/;

/** "5m" → 300000. Returns undefined when the text is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const m = DURATION_PATTERN.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * DURATION_UNITS_MS[m[2] as keyof typeof DURATION_UNITS_MS];
}

/** A UTF-16 surrogate not paired with its other half: not Unicode, so it cannot be stored as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** C0 controls and DEL; a one-line label has no business with NUL, ESC or a newline. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001F\u007F]/;
/** The same, but tab and line breaks are fine in prose (descriptions, notes). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_IN_PROSE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Why a piece of user text cannot be kept, or undefined when it can. Odd but valid text (RTL, zero-width, emoji) is fine. */
export function textProblem(text: string, prose = false): string | undefined {
  if (LONE_SURROGATE.test(text)) return 'is not valid Unicode (a lone UTF-16 surrogate)';
  const m = (prose ? CONTROL_IN_PROSE : CONTROL).exec(text);
  if (m) return `contains a control character (U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`;
  return undefined;
}

function checked(schema: z.ZodString, prose: boolean) {
  return schema.superRefine((text, ctx) => {
    const problem = textProblem(text, prose);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `must be plain text: ${problem}` });
  });
}

/** A one-line label (a name, a unit, an owner): at most `max` characters, valid Unicode, no control characters. */
export function labelText(max: number, min = 0, emptyMessage = 'is required') {
  return checked(z.string().min(min, emptyMessage).max(max, `must be at most ${max} characters`), false);
}

/** Prose (a description, a note): at most `max` characters, valid Unicode, line breaks and tabs allowed. */
export function proseText(max: number, min = 0, emptyMessage = 'is required') {
  return checked(z.string().min(min, emptyMessage).max(max, `must be at most ${max} characters`), true);
}
