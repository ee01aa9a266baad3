import {
  kpiLinks,
  type Goal,
  type KpiDefinition,
  type KpiHealth,
  type KpiState,
  type KpiStatusName,
  type Milestone,
  type Objective,
  type ObjectiveState,
  type ReviewDue,
  type SeriesPoint,
} from '@northstar/shared';
import type { AckRow, TransitionRow } from '../store/alert-repo.ts';
import type { DigestPeriod } from './period.ts';

/**
 * What a review digest says about one objective, built from the same state the wall shows
 * (the wall service's KPI and objective states and health) and the stores (alerts, check-ins,
 * milestones). Pure: the source gathers the inputs, the renderers turn this into email,
 * Slack and the preview, so every channel says the same thing.
 */

export interface DigestKpi {
  id: string;
  name: string;
  unit: string;
  owner: string | undefined;
  direction: KpiDefinition['direction'];
  value: number | null;
  target: number | null;
  /** Percent of target, as the API's `state.attainment`. */
  attainment: number | null;
  /** The status every screen shows (health: alerts included). */
  status: KpiStatusName;
  /** Change over the reported span: percent from its first value to now; null without both. */
  trendPercent: number | null;
  /** Whether that change is good for this KPI's direction; null when flat, unknown or a range KPI. */
  trendGood: boolean | null;
  /** The KPI over the reported span (the chart). */
  series: SeriesPoint[];
}

export interface DigestAlert {
  kpi: string;
  kpiName: string;
  rule: string;
  at: number;
  reason: string;
  /** Who acknowledged this episode (in the span), if anyone. */
  acknowledged: { by: string; at: number; comment: string } | null;
}

export interface DigestCheckin {
  kind: 'objective' | 'kpi';
  id: string;
  name: string;
  dueAt: number;
  overdue: boolean;
  /** Opens the check-in form. */
  url: string;
}

export interface Digest {
  objective: {
    id: string;
    name: string;
    owner: string | undefined;
    status: KpiStatusName;
    attainment: number | null;
    /** Why it shows this status (the status model's words), or null when all is well. */
    reason: string | null;
    /** Names of the KPIs at risk or off track below it. */
    troubled: string[];
  };
  period: DigestPeriod;
  span: { fromMs: number; toMs: number };
  kpis: DigestKpi[];
  alerts: DigestAlert[];
  checkinsDue: DigestCheckin[];
  milestones: Milestone[];
  /** The objective in the app. */
  url: string;
  /** Everyone the digest is for: the objective's owner and the owners of its KPIs and goals. */
  owners: string[];
}

export interface DigestInputs {
  objective: Objective;
  state: ObjectiveState | undefined;
  model: { kpis: readonly KpiDefinition[]; goals: readonly Goal[]; objectives: readonly Objective[] };
  kpiState: (id: string) => KpiState | undefined;
  kpiHealth: (id: string) => KpiHealth | undefined;
  series: ReadonlyMap<string, SeriesPoint[]>;
  transitions: readonly TransitionRow[];
  acks: readonly AckRow[];
  reviews: readonly ReviewDue[];
  milestones: readonly Milestone[];
  period: DigestPeriod;
  span: { fromMs: number; toMs: number };
  baseUrl: string;
}

/** The KPIs linked directly to an objective, in model order. */
export function objectiveKpis(objective: Pick<Objective, 'id'>, kpis: readonly KpiDefinition[]): KpiDefinition[] {
  return kpis.filter((k) => kpiLinks(k).some((l) => l.id === objective.id));
}

/** The objective's owner, then its KPIs' owners, then their goals' owners: each once. */
export function digestOwners(objective: Objective, kpis: readonly KpiDefinition[], goals: readonly Goal[]): string[] {
  const mine = objectiveKpis(objective, kpis);
  const ids = new Set(mine.map((k) => k.id));
  const names = [objective.owner, ...mine.map((k) => k.owner), ...goals.filter((g) => ids.has(g.kpi)).map((g) => g.owner)];
  return [...new Set(names.flatMap((n) => (n?.trim() ? [n.trim()] : [])))];
}

function trend(def: KpiDefinition, series: readonly SeriesPoint[], value: number | null): Pick<DigestKpi, 'trendPercent' | 'trendGood'> {
  const first = series.find((p) => p[1] !== null)?.[1] ?? null;
  if (first === null || value === null || first === 0) return { trendPercent: null, trendGood: null };
  const trendPercent = ((value - first) / Math.abs(first)) * 100;
  if (trendPercent === 0 || def.direction === 'within_range') return { trendPercent, trendGood: null };
  return { trendPercent, trendGood: def.direction === 'higher_is_better' ? trendPercent > 0 : trendPercent < 0 };
}

export function link(baseUrl: string, hash: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/#${hash}`;
}

export function buildDigest(x: DigestInputs): Digest {
  const { objective, span } = x;
  const defs = objectiveKpis(objective, x.model.kpis);
  const ids = new Set(defs.map((k) => k.id));
  const names = new Map(defs.map((k) => [k.id, k.name]));
  const kpis: DigestKpi[] = defs.map((def) => {
    const state = x.kpiState(def.id);
    const value = state?.value ?? null;
    const series = x.series.get(def.id) ?? [];
    return {
      id: def.id,
      name: def.name,
      unit: def.unit ?? '',
      owner: def.owner,
      direction: def.direction,
      value,
      target: state?.target ?? null,
      attainment: state?.attainment ?? null,
      status: x.kpiHealth(def.id)?.status ?? state?.status ?? 'no_data',
      series,
      ...trend(def, series, value),
    };
  });
  const inSpan = (t: number) => t >= span.fromMs && t <= span.toMs;
  const acks = new Map(x.acks.filter((a) => inSpan(a.at)).map((a) => [`${a.key}#${a.episode}`, a]));
  const alerts: DigestAlert[] = x.transitions
    .filter((t) => t.to === 'alerting' && t.from !== 'alerting' && ids.has(t.kpi) && inSpan(t.at))
    .sort((a, b) => b.at - a.at)
    .map((t) => {
      const ack = acks.get(`${t.key}#${t.episode}`);
      return {
        kpi: t.kpi,
        kpiName: names.get(t.kpi) ?? t.kpi,
        rule: t.rule,
        at: t.at,
        reason: t.reason,
        acknowledged: ack ? { by: ack.by, at: ack.at, comment: ack.comment } : null,
      };
    });
  const checkinsDue: DigestCheckin[] = x.reviews
    .filter((r) => (r.subject.kind === 'objective' && r.subject.id === objective.id) || (r.subject.kind === 'kpi' && ids.has(r.subject.id)))
    .map((r) => ({
      kind: r.subject.kind as 'objective' | 'kpi',
      id: r.subject.id,
      name: r.subject.name,
      dueAt: r.dueAt,
      overdue: r.overdue,
      url: link(x.baseUrl, `/checkin/${r.subject.kind}/${encodeURIComponent(r.subject.id)}`),
    }));
  const milestones = x.milestones
    .filter((m) => inSpan(m.reachedAt) && ((m.kind === 'objective' && m.id === objective.id) || (m.kind === 'kpi' && ids.has(m.id))))
    .sort((a, b) => a.reachedAt - b.reachedAt);
  const troubled = (x.state?.troubled ?? []).map((id) => x.model.kpis.find((k) => k.id === id)?.name ?? id);
  return {
    objective: {
      id: objective.id,
      name: objective.name,
      owner: objective.owner,
      status: x.state?.status ?? 'no_data',
      attainment: x.state?.attainment ?? null,
      reason: x.state?.reason ?? null,
      troubled,
    },
    period: x.period,
    span,
    kpis,
    alerts,
    checkinsDue,
    milestones,
    url: link(x.baseUrl, '/tree'),
    owners: digestOwners(objective, x.model.kpis, x.model.goals),
  };
}
