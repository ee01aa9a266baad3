/** API shapes live in @northstar/shared; re-exported here for the web app's imports. */
export type {
  AlignmentGoal,
  AlignmentKpi,
  AlignmentObjective,
  AlignmentResponse,
  GoalProgress,
  LintFinding,
  SubjectKind,
  TargetSuggestion,
  Versioned,
  VersionedKpi,
  VersionedObjective,
} from '@northstar/shared';
