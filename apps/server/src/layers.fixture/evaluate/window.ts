import type { Route } from '../http/route.ts';

/** A type-only upward import: it names the folder it comes from, so it is reported too. */
export function routeName(r: Route): string {
  return r.path;
}
