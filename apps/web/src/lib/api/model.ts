import type { DefinitionVersion, KpiDefinition, Objective } from '@northstar/shared';
import { ApiError, api } from './client.ts';
import type { LintFinding, Versioned } from './types.ts';

export type ModelKind = 'objective' | 'kpi' | 'goal' | 'rule' | 'board';

const PATHS: Readonly<Record<ModelKind, string>> = {
  objective: 'objectives',
  kpi: 'kpis',
  goal: 'goals',
  rule: 'rules',
  board: 'boards',
};

export function modelPath(kind: ModelKind, id?: string): string {
  return `/api/v1/${PATHS[kind]}${id === undefined ? '' : `/${encodeURIComponent(id)}`}`;
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
    return splitVersioned(await api<Versioned<T>>(modelPath(kind, id)));
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404 || kind !== 'kpi') throw err;
    const rows = await api<HistoryRow[]>(`${modelPath(kind, id)}/history`);
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
  await api(modelPath(kind, id), {
    method: 'PUT',
    body: mergePatch(definition, finding.fix.patch),
    ifMatch: version,
    reason: `lint fix (${finding.rule}): ${finding.fix.text}`,
  });
}

export type { KpiDefinition, Objective };
