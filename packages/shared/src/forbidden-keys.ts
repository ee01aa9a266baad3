/**
 * `__proto__` as a key: JSON.parse and YAML keep it as an own key, but copying it into a
 * plain object (what validation does) drops it without a word, so a KPI filter
 * `{"__proto__": "x"}` became `{}` and counted every event. Such a key is refused with
 * its place instead, in events, model documents and YAML alike.
 */
export const FORBIDDEN_KEY = '__proto__';

/**
 * The path (`kpis[2].filter`) of the first object in `value` that has an own `__proto__`
 * key, or undefined. One loop with a stack of its own: any depth is safe.
 */
export function forbiddenKeyPath(value: unknown): string | undefined {
  const stack: Array<{ v: unknown; path: string }> = [{ v: value, path: '' }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: `${path}[${i}]` });
      continue;
    }
    if (Object.hasOwn(v, FORBIDDEN_KEY)) return path === '' ? '(top level)' : path;
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!;
      stack.push({ v: (v as Record<string, unknown>)[k], path: path === '' ? k : `${path}.${k}` });
    }
  }
  return undefined;
}

/** The reason for a document holding `__proto__`, or undefined. */
export function forbiddenKeyProblem(value: unknown): string | undefined {
  const at = forbiddenKeyPath(value);
  return at === undefined ? undefined : `${at}: "${FORBIDDEN_KEY}" is not allowed as a key`;
}
