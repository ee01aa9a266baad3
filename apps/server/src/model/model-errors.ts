import type { FieldProblem } from '@northstar/shared';
import type { ZodError } from 'zod';

/** A change the model refuses, with the HTTP status that says why. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly code: string,
    message: string,
    readonly details?: FieldProblem[],
  ) {
    super(message);
  }
}

export function fieldProblems(error: ZodError, prefix = ''): FieldProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    const field = prefix && path ? `${prefix}.${path}` : prefix || path || '(body)';
    const message = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
    return { field, message };
  });
}

export function invalid(what: string, problems: FieldProblem[]): ModelError {
  return new ModelError(400, 'invalid', `${what}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
}
