import type { FieldProblem } from '@northstar/shared';

export interface FieldErrors {
  /** Messages per form field (the input's name). */
  byField: Readonly<Record<string, readonly string[]>>;
  /** Problems no field on the form matches, shown above the save button. */
  other: readonly string[];
}

export const NO_ERRORS: FieldErrors = { byField: {}, other: [] };

function under(path: string, field: string): boolean {
  return path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`);
}

/**
 * Puts each problem next to the form field it names: the field itself, or the closest
 * field above it ("filter.region" goes to "filter", with "region:" in front of the message).
 * `aliases` renames server paths the form shows elsewhere ("objectives[0].id" → "objective").
 */
export function mapFieldErrors(
  problems: readonly FieldProblem[],
  fields: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): FieldErrors {
  const byField: Record<string, string[]> = {};
  const other: string[] = [];
  for (const { field, message } of problems) {
    const path = aliases[field] ?? field;
    const match = fields.filter((f) => under(path, f)).sort((a, b) => b.length - a.length)[0];
    if (match === undefined) {
      other.push(field === '(body)' || field === '' ? message : `${field}: ${message}`);
      continue;
    }
    const rest = path.slice(match.length).replace(/^\./, '');
    (byField[match] ??= []).push(rest ? `${rest}: ${message}` : message);
  }
  return { byField, other };
}

export function hasErrors(errors: FieldErrors): boolean {
  return errors.other.length > 0 || Object.keys(errors.byField).length > 0;
}
