import { hc } from 'hono/client';
import type { AlignmentResponse } from '@northstar/shared';
import type { AppType } from '../../apps/server/src/http/app.ts';
import type { TestServer } from './harness.ts';

export { parseResponse } from 'hono/client';

/**
 * The typed client of a test server (Hono's `hc` over the app's own type): paths, inputs and
 * answers are checked against the routes, so a test reads a body without casting it. With
 * auth on it sends the server's API token, as `apiFetch` does, unless `headers` carry the
 * caller's own credentials (a session cookie or a bearer token); `headers` go with every call.
 */
export function apiClient(server: Pick<TestServer, 'url' | 'settings'>, headers: Record<string, string> = {}) {
  const token = server.settings.apiToken;
  const own = 'cookie' in headers || 'authorization' in headers;
  return hc<AppType>(server.url, { headers: { ...(token && !own ? { authorization: `Bearer ${token}` } : {}), ...headers } });
}

export type ApiClient = ReturnType<typeof apiClient>;

/**
 * The alignment tree. Hono's client types the inner levels of a recursive answer as plain
 * JSON (it stops at a type it has already seen on the path), and the tree nests objectives
 * in objectives: below the first level it is read as the shared type the server answers.
 */
export async function alignmentTree(api: ApiClient): Promise<AlignmentResponse> {
  const res = await api.api.v1.alignment.$get();
  if (!res.ok) throw new Error(`GET /api/v1/alignment answered ${res.status}`);
  return JSON.parse(await res.text()) as AlignmentResponse;
}
