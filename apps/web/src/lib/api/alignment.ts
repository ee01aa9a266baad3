import { call, client } from './client.ts';
import type { AlignmentObjective, AlignmentResponse } from './types.ts';

/**
 * The alignment tree (GET /api/v1/alignment, apps/server/src/http/alignment-routes.ts). The typed
 * client reads an answer's type through Hono's JSONParsed, which cannot follow a recursive type:
 * an objective's `children` (objectives again) come back as JSONValue. Every other field keeps
 * the route's type and is checked here; only `children` is read as what the route builds.
 */
export async function fetchAlignment(): Promise<AlignmentResponse> {
  const tree = await call(client.api.v1.alignment.$get());
  return {
    ...tree,
    objectives: tree.objectives.map((o) => ({ ...o, children: o.children as unknown as AlignmentObjective[] })),
  };
}
