import {
  kpiLinks,
  periodSpan,
  primaryObjective,
  resolveThresholds,
  type AlertStateName,
  type Checkin,
  type KpiDefinition,
  type KpiStatusName,
  type Objective,
  type SeriesPoint,
  type TargetInForce,
} from '@northstar/shared';
import { attainmentFor, statusFor } from '../evaluate/attainment.ts';
import { targetTimeline } from '../history/target-timeline.ts';
import type { AlertRepo } from '../store/alert-repo.ts';
import type { ModelRepo, VersionRow } from '../store/model-repo.ts';
import type { SeriesRange } from '../store/series-query.ts';

/** One point a day: the month's trend, each point the KPI as the wall showed it at that day's end (the history API's meaning). */
export const REPORT_STEP_MS = 86_400_000;
/** Per subject and per KPI: a month's check-ins, annotations and alert transitions are few; these bound a noisy one. */
const MAX_ROWS = 200;

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export interface ReportKpi {
  id: string;
  name: string;
  unit: string;
  objective: string | null;
  direction: KpiDefinition['direction'];
  window: string;
  /** The KPI at the month's end (the trend's last point). */
  value: number | null;
  /** The target in force in the month's last instant (the month's period target when it has one). */
  target: number | null;
  low: number | null;
  high: number | null;
  attainment: number | null;
  status: KpiStatusName;
  trend: SeriesPoint[];
  annotations: Array<{ ts: number; kind: string; text: string; author: string }>;
  alerts: Array<{ at: number; rule: string; from: AlertStateName; to: AlertStateName; reason: string; value: number | null }>;
}

export interface ReportObjective {
  id: string;
  name: string;
  owner: string;
  period: string;
  /** 0 for the report's top objectives. */
  depth: number;
  kpis: string[];
}

export interface MonthlyReport {
  month: string;
  /** The month in UTC (each KPI's own month runs in its time zone). */
  from: number;
  to: number;
  scope: { objective: string; name: string } | null;
  generatedAt: number;
  objectives: ReportObjective[];
  kpis: ReportKpi[];
  checkins: Array<Pick<Checkin, 'subject' | 'at' | 'author' | 'confidence' | 'narrative' | 'value'>>;
}

export interface ReportDeps {
  model: { objectives: readonly Objective[]; kpis: readonly KpiDefinition[]; history(kind: 'kpi', id: string): Promise<VersionRow[]> };
  /** The history API's series query (store/series-query.ts querySeries, bound to the store). */
  series: (kpi: KpiDefinition, range: SeriesRange) => Promise<SeriesPoint[]>;
  repo: Pick<ModelRepo, 'checkins' | 'annotations'>;
  alertRepo: Pick<AlertRepo, 'transitions'>;
  now?: () => number;
}

export class ReportError extends Error {
  constructor(
    readonly status: 400 | 404,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Objectives in tree order (parents before children, siblings in model order), each with its depth. */
function treeOrder(objectives: readonly Objective[], root: string | undefined): Array<{ o: Objective; depth: number }> {
  const ids = new Set(objectives.map((o) => o.id));
  const children = new Map<string | undefined, Objective[]>();
  for (const o of objectives) {
    // an objective whose parent is not in the model is a top one
    const parent = o.parent !== undefined && ids.has(o.parent) ? o.parent : undefined;
    children.set(parent, [...(children.get(parent) ?? []), o]);
  }
  const out: Array<{ o: Objective; depth: number }> = [];
  const seen = new Set<string>();
  const walk = (o: Objective, depth: number) => {
    if (seen.has(o.id)) return;
    seen.add(o.id);
    out.push({ o, depth });
    for (const c of children.get(o.id) ?? []) walk(c, depth + 1);
  };
  const tops = root === undefined ? (children.get(undefined) ?? []) : objectives.filter((o) => o.id === root);
  for (const o of tops) walk(o, 0);
  return out;
}

/** The month's figures of one KPI through the history API's own query and target timeline: the same numbers the wall and the chart showed. */
async function kpiFigures(deps: ReportDeps, kpi: KpiDefinition, month: string) {
  const span = periodSpan(month, kpi.timezone);
  const trend = await deps.series(kpi, { fromMs: span.startMs, toMs: span.endMs, stepMs: REPORT_STEP_MS });
  const last = trend.at(-1);
  const value = last?.[1] ?? null;
  // the month's own target: in force in its last instant (the point at the month's end is stamped on the next month's first)
  const [point] = targetTimeline(await deps.model.history('kpi', kpi.id), [span.endMs - 1]);
  const inForce: TargetInForce = {
    target: point?.[1] ?? null,
    low: point?.[2] ?? null,
    high: point?.[3] ?? null,
    expected: null,
    period: month,
  };
  const attainment = attainmentFor(value, kpi.direction, inForce);
  const status = statusFor(value, resolveThresholds(kpi, inForce));
  return { span, trend, value, inForce, attainment, status };
}

/**
 * The monthly report of the whole organisation or of one objective's subtree: the tree, every
 * KPI at the month's end against its period target with the month's daily trend, annotations
 * and alert transitions, and the check-ins on each objective and KPI in the month.
 */
export async function buildMonthlyReport(deps: ReportDeps, input: { month: string; objective?: string }): Promise<MonthlyReport> {
  const m = MONTH_PATTERN.exec(input.month);
  if (!m) throw new ReportError(400, 'month', `month: "${input.month.slice(0, 32)}" is not a month like 2026-11`);
  const utc = periodSpan(input.month, 'UTC');
  const now = (deps.now ?? Date.now)();
  if (utc.startMs > now) throw new ReportError(400, 'month', `month: ${input.month} has not started yet`);
  const root = input.objective;
  const rootObjective = root === undefined ? undefined : deps.model.objectives.find((o) => o.id === root);
  if (root !== undefined && !rootObjective)
    throw new ReportError(404, 'objective', `objective: no objective with id "${root.slice(0, 128)}"`);

  const tree = treeOrder(deps.model.objectives, root);
  const inTree = new Set(tree.map((t) => t.o.id));
  const kpis = deps.model.kpis.filter((k) => (root === undefined ? true : kpiLinks(k).some((l) => inTree.has(l.id))));
  const reportKpis: ReportKpi[] = [];
  for (const kpi of kpis) {
    const f = await kpiFigures(deps, kpi, input.month);
    const annotations = await deps.repo.annotations(kpi.id, f.span.startMs, f.span.endMs, MAX_ROWS);
    const transitions = await deps.alertRepo.transitions({ kpi: kpi.id, fromMs: f.span.startMs, toMs: f.span.endMs, limit: MAX_ROWS });
    reportKpis.push({
      id: kpi.id,
      name: kpi.name,
      unit: kpi.unit ?? '',
      objective: primaryObjective(kpi) ?? null,
      direction: kpi.direction,
      window: kpi.window,
      value: f.value,
      target: f.inForce.target,
      low: f.inForce.low,
      high: f.inForce.high,
      attainment: f.attainment,
      status: f.status,
      trend: f.trend,
      annotations: annotations.map((a) => ({ ts: a.ts, kind: a.kind, text: a.text, author: a.author })),
      // what someone had to look at: an alert starting to fire (alerting), and ending
      alerts: transitions
        .filter((t) => t.to === 'alerting' || t.from === 'alerting')
        .map((t) => ({ at: t.at, rule: t.rule, from: t.from, to: t.to, reason: t.reason, value: t.value })),
    });
  }
  const checkins: MonthlyReport['checkins'] = [];
  const subjects = [...tree.map((t) => ({ kind: 'objective', id: t.o.id })), ...kpis.map((k) => ({ kind: 'kpi', id: k.id }))];
  for (const s of subjects) {
    const rows = await deps.repo.checkins({ kind: s.kind, id: s.id, fromMs: utc.startMs, toMs: utc.endMs, limit: MAX_ROWS });
    for (const c of rows)
      checkins.push({ subject: c.subject, at: c.at, author: c.author, confidence: c.confidence, narrative: c.narrative, value: c.value });
  }
  checkins.sort((a, b) => a.at - b.at);
  return {
    month: input.month,
    from: utc.startMs,
    to: utc.endMs,
    scope: rootObjective ? { objective: rootObjective.id, name: rootObjective.name } : null,
    generatedAt: now,
    objectives: tree.map(({ o, depth }) => ({
      id: o.id,
      name: o.name,
      owner: o.owner ?? '',
      period: o.period ?? '',
      depth,
      kpis: kpis.filter((k) => primaryObjective(k) === o.id).map((k) => k.id),
    })),
    kpis: reportKpis,
    checkins,
  };
}
