import type { KpiHealth } from './status-model.ts';
import type { Direction, Goal, KpiDefinition, Objective, ReviewCadence } from './kpi.ts';
import type { KpiBudget } from './kpi-budget.ts';
import type { KpiState, ObjectiveState } from './status.ts';

export type LintSeverity = 'error' | 'warning' | 'info';
export type LintSubjectKind = 'objective' | 'kpi' | 'goal';

/** One alignment lint finding with its one-line fix (GET /api/v1/lint, and inline in the tree). */
export interface LintFinding {
  rule: string;
  severity: LintSeverity;
  subject: { kind: LintSubjectKind; id: string };
  message: string;
  /** One actionable line; `patch`, when a safe automatic fix exists, merged into the subject's definition applies it. */
  fix: { text: string; patch?: Record<string, unknown> };
}

/** GET /api/v1/kpis/:id/target-suggestion */
export interface TargetSuggestion {
  maintain: number | null;
  stretch: number | null;
  /** within_range: the maintain band (p10..p90 of history). */
  low?: number | null;
  high?: number | null;
  /** within_range: the stretch band (p25..p75 of history), narrower than the maintain band. */
  stretchLow?: number | null;
  stretchHigh?: number | null;
  confidence: 'low' | 'medium' | 'high';
  basis: { from: number; to: number; periods: number; points: number; method: string };
  explanation: string;
}

/** GET /api/v1/reviews: one objective or KPI whose review is due or overdue. */
export interface ReviewDue {
  subject: { kind: 'objective' | 'kpi'; id: string; name: string; owner?: string };
  cadence: ReviewCadence;
  lastCheckinAt: number | null;
  dueAt: number;
  overdue: boolean;
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
  /** Which way is better: how its figures read (percent of target, or margin to a limit). */
  direction: Direction;
  /** Contribution weight to the objective it is listed under (0 when unlinked). */
  weight: number;
  state: KpiState | null;
  /** The status it is shown with (status-model.ts kpiHealth); null without a state. */
  health: KpiHealth | null;
  lint: LintFinding[];
  goals: AlignmentGoal[];
}

export interface AlignmentObjective extends Objective {
  state: ObjectiveState | null;
  /** How many KPIs may be linked directly to an objective of its level (`kpis` holds those linked). */
  kpiBudget: number;
  lint: LintFinding[];
  kpis: AlignmentKpi[];
  children: AlignmentObjective[];
}

/** GET /api/v1/alignment */
export interface AlignmentResponse {
  objectives: AlignmentObjective[];
  unlinkedKpis: AlignmentKpi[];
  findings: LintFinding[];
  /** The KPI budget per level the lint holds the tree to. */
  kpiBudget: KpiBudget;
}

/** A definition as the model routes return it: with the version to send back in If-Match. */
export type Versioned<T> = T & { version: number };
export type VersionedObjective = Versioned<Objective>;
export type VersionedKpi = Versioned<KpiDefinition>;
