import type { DefinitionVersion, KpiDefinition, Objective } from '@northstar/shared';
import type { ClientResponse } from 'hono/client';
import { ApiError, call, changeHeaders, client } from './client.ts';
import type { LintFinding, Versioned } from './types.ts';

export type ModelKind = 'objective' | 'kpi' | 'goal' | 'rule' | 'board';

const v1 = client.api.v1;

/** Each kind's routes (apps/server/src/http/model-routes.ts; a KPI is read with its state by kpi-routes.ts). */
const ROUTES = { objective: v1.objectives, kpi: v1.kpis, goal: v1.goals, rule: v1.rules, board: v1.boards };

const idParam = (id: string) => ({ id: encodeURIComponent(id) });

/** What a write carries beside the definition: the version it edits (If-Match) and why. */
export interface Change {
  ifMatch?: number;
  reason?: string;
}

/*
 * The editors and the lint fixes pick a kind at run time, and an editor's definition type is not
 * tied to its kind in the types, so the calls below take any kind: the typed client still checks
 * each path, method and parameter, while a definition written is typed by the caller and checked
 * by the server against the kind's schema (its field errors come back as an ApiError).
 */

/** Sends one kind's request; its answer (one of the five kinds' bodies) is read as the caller's type. */
async function read<T>(request: Promise<ClientResponse<unknown, number, string>>): Promise<T> {
  return (await call(request)) as T;
}

/** One definition of a kind with its version (a KPI also with its live state). */
export function getDefinition<T extends object>(kind: ModelKind, id: string): Promise<Versioned<T>> {
  return read(ROUTES[kind][':id'].$get({ param: idParam(id) }));
}

/** Every version of one definition, newest last. */
export function definitionHistory(kind: ModelKind, id: string): Promise<HistoryRow[]> {
  return read(ROUTES[kind][':id'].history.$get({ param: idParam(id) }));
}

/** Creates (no id) or replaces a definition; answers it as stored, with its new version. */
export function saveDefinition<T extends object>(kind: ModelKind, id: string | null, definition: T, change: Change): Promise<Versioned<T>> {
  const headers = changeHeaders(change);
  // `never`: the body's type is the caller's (see above); the server validates it against the kind's schema.
  const json = definition as never;
  const saved =
    id === null ? ROUTES[kind].$post({ json }, { headers }) : ROUTES[kind][':id'].$put({ param: idParam(id), json }, { headers });
  return read(saved);
}

/** Deletes a definition (its history is kept). */
export async function deleteDefinition(kind: ModelKind, id: string, change: Change): Promise<void> {
  await call(ROUTES[kind][':id'].$delete({ param: idParam(id) }, { headers: changeHeaders(change) }));
}

/** Fields the API adds to a definition when it returns one; the definition schemas reject them on write. */
const RESPONSE_ONLY = ['version', 'state', 'spark'] as const;

/** A definition as read, split into what to write back and the version to guard the write with. */
export function splitVersioned<T extends object>(body: T & { version?: unknown }): { definition: T; version: number } {
  const definition = { ...body } as Record<string, unknown>;
  for (const key of RESPONSE_ONLY) delete definition[key];
  return { definition: definition as T, version: typeof body.version === 'number' ? body.version : 0 };
}

/** One version of a definition, as GET …/:id/history answers it (the shape shared with the server). */
type HistoryRow = DefinitionVersion<unknown>;

/**
 * A definition and its version. KPIs are served with their live state, and a KPI that the
 * evaluator has not picked up yet is missing there, so its newest history entry stands in.
 */
export async function loadDefinition<T extends object>(kind: ModelKind, id: string): Promise<{ definition: T; version: number }> {
  try {
    return splitVersioned(await getDefinition<T>(kind, id));
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404 || kind !== 'kpi') throw err;
    const rows = await definitionHistory(kind, id);
    const newest = rows.reduce<HistoryRow | undefined>((best, r) => (best === undefined || r.version > best.version ? r : best), undefined);
    if (!newest || newest.definition === null || typeof newest.definition !== 'object') throw err;
    return { definition: newest.definition as T, version: newest.version };
  }
}

/** JSON merge patch (RFC 7386): objects merge key by key, null removes a key, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const base: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete base[key];
    else base[key] = mergePatch(base[key], value);
  }
  return base;
}

/** The subject kinds a one-click fix can change. */
export function fixableKind(kind: string): kind is ModelKind {
  return kind === 'objective' || kind === 'kpi' || kind === 'goal';
}

/** Applies a finding's fix: merges its patch into the subject's current definition and writes it, guarded by its version. */
export async function applyFix(finding: LintFinding): Promise<void> {
  const { kind, id } = finding.subject;
  if (!finding.fix.patch || !fixableKind(kind)) throw new Error('This finding has no one-click fix.');
  const { definition, version } = await loadDefinition<Record<string, unknown>>(kind, id);
  await saveDefinition(kind, id, mergePatch(definition, finding.fix.patch) as Record<string, unknown>, {
    ifMatch: version,
    reason: `lint fix (${finding.rule}): ${finding.fix.text}`,
  });
}

export type { KpiDefinition, Objective };
