import type { FieldProblem } from '@northstar/shared';

/** The server's id rule (packages/shared idField), repeated so the browser bundle does not carry zod. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const ID_RULE = 'must be 1-64 characters of a-z, 0-9, "_", "." or "-", starting with a letter or digit';

/** Collects problems as a form is converted; `field` is the input's name, which is also the server's path. */
export class Problems {
  readonly list: FieldProblem[] = [];

  add(field: string, message: string): void {
    this.list.push({ field, message });
  }

  /** "" → undefined; a finite number → it; anything else → a problem and undefined. */
  number(field: string, text: string): number | undefined {
    const t = text.trim();
    if (t === '') return undefined;
    const n = Number(t);
    if (!Number.isFinite(n)) {
      this.add(field, 'must be a number');
      return undefined;
    }
    return n;
  }

  id(field: string, text: string, required = true): string | undefined {
    const t = text.trim();
    if (t === '') {
      if (required) this.add(field, 'is required');
      return undefined;
    }
    if (!ID_PATTERN.test(t)) this.add(field, ID_RULE);
    return t;
  }
}

/** Trimmed text, or undefined when empty, so optional fields are left out of the definition. */
export function optionalText(text: string): string | undefined {
  const t = text.trim();
  return t === '' ? undefined : t;
}

/** A number for a text input; "" for none. */
export function numberText(n: number | undefined | null): string {
  return n === undefined || n === null ? '' : String(n);
}
