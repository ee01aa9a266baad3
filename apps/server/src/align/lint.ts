import {
  DEFAULT_KPI_BUDGET,
  kpiLinks,
  type KpiBudget,
  primaryObjective,
  type Goal,
  type KpiDefinition,
  type Level,
  type LintFinding,
  type LintSeverity,
  type LintSubjectKind,
  type Measure,
  type Objective,
} from '@northstar/shared';
import { compareIds, objectiveTree } from './objective-tree.ts';
import { rollupObjectives } from './rollup.ts';

export type { LintFinding, LintSeverity, LintSubjectKind } from '@northstar/shared';

/** Every rule with its severity: errors break the tree, warnings weaken alignment, info is polish. */
export const LINT_RULES = [
  {
    id: 'unknown-reference',
    severity: 'error',
    description: 'A KPI, goal or objective refers to an objective or KPI that does not exist.',
  },
  { id: 'parent-cycle', severity: 'error', description: "An objective's parent chain loops back to itself." },
  { id: 'too-many-kpis', severity: 'warning', description: 'More KPIs on one objective, or on one level, than anyone can keep in view.' },
  { id: 'objective-without-kpis', severity: 'warning', description: 'An objective with no KPI at or below it: nothing measures it.' },
  { id: 'orphan-kpi', severity: 'warning', description: 'A KPI linked to no objective: a vanity metric candidate.' },
  { id: 'conflicting-directions', severity: 'warning', description: 'Two objectives pull one measure in opposite directions.' },
  { id: 'kpi-missing-target', severity: 'warning', description: 'A KPI without a target (or, for within_range, without a band).' },
  { id: 'kpi-missing-owner', severity: 'warning', description: 'A KPI nobody is accountable for.' },
  { id: 'kpi-missing-unit', severity: 'info', description: 'A KPI whose numbers have no unit.' },
] as const satisfies readonly { id: string; severity: LintSeverity; description: string }[];
export type LintRuleId = (typeof LINT_RULES)[number]['id'];

/** About seven things is what a person keeps in view; past that, a KPI list stops steering and starts reporting. */
export const DEFAULT_MAX_KPIS_PER_OBJECTIVE = DEFAULT_KPI_BUDGET;

export interface LintOptions {
  /** The cap on KPIs linked directly to one objective, for levels `kpiBudget` does not name. */
  maxKpisPerObjective?: number;
  /** The model's KPI budget: the cap on KPIs linked directly to one objective of each level. */
  kpiBudget?: Partial<KpiBudget>;
  /**
   * KPIs whose primary objective (the one their tile sits under) is on a level. A number
   * caps every level; a record caps the levels it names. Default: the organisation level
   * only, at its KPI budget (else maxKpisPerObjective), because the top of the tree is read like one objective.
   * Lower levels grow with the number of teams, so a flat cap there would flag healthy
   * large organisations; they are held in check per objective instead.
   */
  maxKpisPerLevel?: number | Partial<Record<Level, number>>;
}

export interface LintModel {
  objectives: readonly Objective[];
  kpis: readonly KpiDefinition[];
  goals: readonly Goal[];
}

const SEVERITY_ORDER: Record<LintSeverity, number> = { error: 0, warning: 1, info: 2 };
const SEVERITY_OF = new Map<LintRuleId, LintSeverity>(LINT_RULES.map((r) => [r.id, r.severity]));

/** All findings for a model, sorted by severity, rule, subject id (then kind and message, so the order is total). */
export function lintModel(model: LintModel, options: LintOptions = {}): LintFinding[] {
  const findings = [
    ...unknownReferences(model),
    ...parentCycles(model),
    ...tooManyKpis(model, options),
    ...objectivesWithoutKpis(model),
    ...model.kpis.flatMap((k) => kpiCompleteness(k, model)),
    ...conflictingDirections(model),
  ];
  return findings.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      compareIds(a.rule, b.rule) ||
      compareIds(a.subject.id, b.subject.id) ||
      compareIds(a.subject.kind, b.subject.kind) ||
      compareIds(a.message, b.message),
  );
}

function finding(rule: LintRuleId, kind: LintSubjectKind, id: string, message: string, fix: LintFinding['fix']): LintFinding {
  return { rule, severity: SEVERITY_OF.get(rule) ?? 'warning', subject: { kind, id }, message, fix };
}

function unknownReferences(model: LintModel): LintFinding[] {
  const objectives = new Set(model.objectives.map((o) => o.id));
  const kpis = new Set(model.kpis.map((k) => k.id));
  const out: LintFinding[] = [];
  for (const k of model.kpis) {
    for (const id of new Set(kpiLinks(k).map((l) => l.id))) {
      if (objectives.has(id)) continue;
      out.push(
        finding('unknown-reference', 'kpi', k.id, `"${k.name}" is linked to objective "${id}", which does not exist.`, {
          text: `Link "${k.name}" to an existing objective, or create objective "${id}".`,
        }),
      );
    }
  }
  for (const g of model.goals) {
    if (kpis.has(g.kpi)) continue;
    out.push(
      finding('unknown-reference', 'goal', g.id, `Goal "${g.name}" is under KPI "${g.kpi}", which does not exist.`, {
        text: `Put goal "${g.name}" under an existing team KPI, or create KPI "${g.kpi}".`,
      }),
    );
  }
  for (const { objective, parent } of objectiveTree(model.objectives).unknownParents) {
    out.push(
      finding('unknown-reference', 'objective', objective, `Objective "${objective}" has parent "${parent}", which does not exist.`, {
        text: `Set the parent of "${objective}" to an existing objective, or remove it to make "${objective}" top-level.`,
      }),
    );
  }
  return out;
}

function parentCycles(model: LintModel): LintFinding[] {
  return objectiveTree(model.objectives).cycles.map(({ objective, path }) =>
    finding(
      'parent-cycle',
      'objective',
      objective,
      `The parent chain loops: ${path.join(' → ')}; roll-ups ignore the parent of "${objective}".`,
      {
        text: `Change the parent of "${objective}" so the chain ends at a top-level objective.`,
      },
    ),
  );
}

function tooManyKpis(model: LintModel, options: LintOptions): LintFinding[] {
  const fallback = options.maxKpisPerObjective ?? DEFAULT_MAX_KPIS_PER_OBJECTIVE;
  const budgetOf = (level: Level) => options.kpiBudget?.[level] ?? fallback;
  const levelLimits = resolveLevelLimits(options.maxKpisPerLevel, budgetOf('organisation'));
  const byId = new Map(model.objectives.map((o) => [o.id, o]));
  const direct = new Map<string, Set<string>>();
  const primaryOn = new Map<string, number>();
  const perLevel = new Map<Level, number>();
  for (const k of model.kpis) {
    for (const link of kpiLinks(k)) direct.set(link.id, (direct.get(link.id) ?? new Set()).add(k.id));
    const primary = byId.get(primaryObjective(k) ?? '');
    if (!primary) continue;
    primaryOn.set(primary.id, (primaryOn.get(primary.id) ?? 0) + 1);
    perLevel.set(primary.level, (perLevel.get(primary.level) ?? 0) + 1);
  }
  const out: LintFinding[] = [];
  for (const o of model.objectives) {
    const count = direct.get(o.id)?.size ?? 0;
    const budget = budgetOf(o.level);
    if (count <= budget) continue;
    out.push(
      finding('too-many-kpis', 'objective', o.id, `"${o.name}" has ${count} KPIs linked directly; the ${o.level} budget is ${budget}.`, {
        text: `Keep the ${budget} KPIs that best show progress on "${o.name}"; move the rest to child objectives or retire them.`,
      }),
    );
  }
  for (const [level, count] of perLevel) {
    const limit = levelLimits[level];
    if (limit === undefined || count <= limit) continue;
    // Reported on the objective of that level carrying the most KPIs: trimming it helps most.
    const onLevel = model.objectives.filter((o) => o.level === level && (primaryOn.get(o.id) ?? 0) > 0);
    const busiest = onLevel.sort((a, b) => (primaryOn.get(b.id) ?? 0) - (primaryOn.get(a.id) ?? 0) || compareIds(a.id, b.id))[0];
    if (!busiest) continue;
    out.push(
      finding('too-many-kpis', 'objective', busiest.id, `The ${level} level shows ${count} KPIs; the limit is ${limit}.`, {
        text: `Move KPIs from ${level} objectives such as "${busiest.name}" down to the objectives they serve, or retire some, to show at most ${limit}.`,
      }),
    );
  }
  return out;
}

function resolveLevelLimits(option: LintOptions['maxKpisPerLevel'], perObjective: number): Partial<Record<Level, number>> {
  if (option === undefined) return { organisation: perObjective };
  if (typeof option === 'number') return { organisation: option, department: option, team: option, individual: option };
  return option;
}

function objectivesWithoutKpis(model: LintModel): LintFinding[] {
  const states = rollupObjectives({ objectives: [...model.objectives], kpis: [...model.kpis] }, new Map());
  return model.objectives
    .filter((o) => (states.get(o.id)?.kpiCount ?? 0) === 0)
    .map((o) =>
      finding(
        'objective-without-kpis',
        'objective',
        o.id,
        `Nothing measures "${o.name}": no KPI is linked to it or to an objective below it.`,
        {
          text: `Link a KPI that shows progress on "${o.name}", or retire the objective.`,
        },
      ),
    );
}

/** The rules about one KPI's own definition: linked, targeted, owned, with a unit. */
function kpiCompleteness(k: KpiDefinition, model: LintModel): LintFinding[] {
  const out: LintFinding[] = [];
  const links = kpiLinks(k);
  if (links.length === 0) {
    out.push(
      finding('orphan-kpi', 'kpi', k.id, `"${k.name}" is linked to no objective: a vanity metric candidate.`, {
        text: `Link "${k.name}" to the objective it serves, or retire it.`,
      }),
    );
  }
  if (!hasTarget(k)) {
    const what = k.direction === 'within_range' ? 'a low and high bound' : 'a target';
    out.push(
      finding(
        'kpi-missing-target',
        'kpi',
        k.id,
        `"${k.name}" has no ${k.direction === 'within_range' ? 'band' : 'target'}, so it cannot be on or off track.`,
        {
          text: `Set ${what} for "${k.name}"; the target suggestion proposes one from its history.`,
        },
      ),
    );
  }
  if (!k.owner?.trim()) {
    const objective = model.objectives.find((o) => o.id === primaryObjective(k));
    const owner = objective?.owner?.trim();
    out.push(
      finding(
        'kpi-missing-owner',
        'kpi',
        k.id,
        `"${k.name}" has no owner: nobody is accountable for it.`,
        owner && objective
          ? {
              text: `Make ${owner}, who owns "${objective.name}", the owner of "${k.name}", or name someone closer to it.`,
              patch: { owner },
            }
          : { text: `Name the person accountable for "${k.name}".` },
      ),
    );
  }
  if (!k.unit?.trim()) {
    // A ratio scaled by 100 is a percentage by construction: the one unit we can infer safely.
    const percent = k.ratio !== undefined && k.ratio.scale === 100;
    out.push(
      finding(
        'kpi-missing-unit',
        'kpi',
        k.id,
        `"${k.name}" has no unit, so its numbers are hard to read.`,
        percent
          ? { text: `Set the unit of "${k.name}" to "%" (it is a ratio × 100).`, patch: { unit: '%' } }
          : { text: `Set the unit of "${k.name}" (e.g. "orders", "ms", "€").` },
      ),
    );
  }
  return out;
}

/** A KPI has a target when one applies in some period: its own, or a period target (a value or monthly phasing); within_range needs a band. */
export function hasTarget(k: KpiDefinition): boolean {
  const targets = k.targets ?? [];
  if (k.direction === 'within_range') {
    return (k.low !== undefined && k.high !== undefined) || targets.some((t) => t.low !== undefined && t.high !== undefined);
  }
  return k.target !== undefined || targets.some((t) => t.value !== undefined || Object.keys(t.monthly ?? {}).length > 0);
}

/**
 * Two KPIs read the same measure when metric, aggregation, filter and distinct dimension
 * match; a ratio is compared whole (numerator and denominator). A ratio's scale and the
 * window are left out: "× 100" or "over 7 d" does not change which way the metric is pulled.
 */
export function measureKey(k: KpiDefinition): string {
  const one = (m: Partial<Measure>) =>
    [
      m.metric ?? '',
      m.aggregation ?? '',
      Object.entries(m.filter ?? {}).sort(([a], [b]) => compareIds(a, b)),
      m.distinctBy ?? null,
    ] as const;
  return JSON.stringify(k.ratio ? ['ratio', one(k.ratio.numerator), one(k.ratio.denominator)] : ['measure', one(k)]);
}

/**
 * One finding per pair of KPIs on the same measure, one higher- and one lower-is-better,
 * with at least one objective of one differing from one of the other's: two objectives
 * pulling one metric apart. Two such KPIs on the same single objective are a deliberate
 * band, not a conflict. Reported on the KPI with the smaller id.
 */
function conflictingDirections(model: LintModel): LintFinding[] {
  const groups = new Map<string, KpiDefinition[]>();
  for (const k of model.kpis) {
    if (k.direction === 'within_range') continue;
    const key = measureKey(k);
    groups.set(key, [...(groups.get(key) ?? []), k]);
  }
  const out: LintFinding[] = [];
  for (const group of groups.values()) {
    const higher = group.filter((k) => k.direction === 'higher_is_better');
    const lower = group.filter((k) => k.direction === 'lower_is_better');
    for (const h of higher) {
      for (const l of lower) {
        const ho = kpiLinks(h).map((x) => x.id);
        const lo = kpiLinks(l).map((x) => x.id);
        if (!ho.some((a) => lo.some((b) => a !== b))) continue;
        const [first, second] = compareIds(h.id, l.id) <= 0 ? [h, l] : [l, h];
        const on = (k: KpiDefinition) =>
          `${k.direction === 'higher_is_better' ? 'up' : 'down'} for ${kpiLinks(k)
            .map((x) => `"${x.id}"`)
            .join(', ')}`;
        out.push(
          finding(
            'conflicting-directions',
            'kpi',
            first.id,
            `"${first.name}" and "${second.name}" measure the same thing but pull it in opposite directions: ${on(first)}, ${on(second)}.`,
            { text: `Agree one direction for this measure between the objectives, or turn one KPI into a within_range guardrail.` },
          ),
        );
      }
    }
  }
  return out;
}
