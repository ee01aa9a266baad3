import type { Goal, KpiDefinition, KpiState, Objective, ObjectiveState, SubjectKind } from '@northstar/shared';

/** One alignment lint finding (apps/server/src/align/lint.ts), with its one-line fix. */
export interface LintFinding {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  subject: { kind: string; id: string };
  message: string;
  /** `patch` is merged into the subject's definition to apply the fix in one click. */
  fix: { text: string; patch?: Record<string, unknown> };
}

export interface GoalProgress {
  at: number;
  value: number | null;
  confidence: string;
}

export interface AlignmentGoal extends Goal {
  progress: GoalProgress | null;
  lint: LintFinding[];
}

export interface AlignmentKpi {
  id: string;
  name: string;
  owner?: string;
  team?: string;
  unit?: string;
  /** Contribution weight to the objective it is listed under (0 when unlinked). */
  weight: number;
  state: KpiState | null;
  lint: LintFinding[];
  goals: AlignmentGoal[];
}

export interface AlignmentObjective extends Objective {
  state: ObjectiveState | null;
  lint: LintFinding[];
  kpis: AlignmentKpi[];
  children: AlignmentObjective[];
}

/** GET /api/v1/alignment */
export interface AlignmentResponse {
  objectives: AlignmentObjective[];
  unlinkedKpis: AlignmentKpi[];
  findings: LintFinding[];
}

/** A definition as the model routes return it: with the version to send back in If-Match. */
export type Versioned<T> = T & { version: number };

export type VersionedObjective = Versioned<Objective>;
export type VersionedKpi = Versioned<KpiDefinition>;

/** GET /api/v1/kpis/:id/target-suggestion */
export interface TargetSuggestion {
  maintain: number | null;
  stretch: number | null;
  low?: number | null;
  high?: number | null;
  stretchLow?: number | null;
  stretchHigh?: number | null;
  confidence: 'low' | 'medium' | 'high';
  basis: { from: number; to: number; periods: number; points: number; method: string };
  explanation: string;
}

export type { SubjectKind };
