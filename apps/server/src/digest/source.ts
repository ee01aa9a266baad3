import type { ClickHouseClient } from '@clickhouse/client';
import type { Objective, SeriesPoint } from '@northstar/shared';
import { reviewsDue } from '../align/reviews.ts';
import type { KpiEvaluator } from '../evaluate/evaluator.ts';
import type { WallService } from '../live/wall-service.ts';
import type { ModelService } from '../model/model-service.ts';
import type { AlertRepo } from '../store/alert-repo.ts';
import type { ModelRepo } from '../store/model-repo.ts';
import { querySeries } from '../store/series-query.ts';
import { chartPng } from './charts.ts';
import { buildDigest, objectiveKpis, type Digest } from './content.ts';
import { digestCadence, digestPeriod, reportedSpan } from './period.ts';

/** Chart steps per cadence: about 28–45 points, enough for a trend, few enough to stay a sparkline. */
export const STEP_MS = { weekly: 6 * 3_600_000, monthly: 86_400_000, quarterly: 2 * 86_400_000 } as const;
/** Alert transitions read per digest: a span with more has bigger problems than a long list. */
const MAX_TRANSITIONS = 5_000;
const MAX_MILESTONES = 10_000;

export interface DigestSourceDeps {
  model: Pick<ModelService, 'objectives' | 'kpis' | 'goals'>;
  wall: Pick<WallService, 'kpiState' | 'kpiHealth' | 'objectiveState'>;
  evaluator: Pick<KpiEvaluator, 'spark'>;
  clickhouse: ClickHouseClient;
  alertRepo: Pick<AlertRepo, 'transitions' | 'acks'>;
  repo: Pick<ModelRepo, 'lastCheckins' | 'createdAt' | 'milestones'>;
  timezone: string;
  baseUrl: string;
}

/** Gathers what a digest says from the wall's state and the stores, at one moment. */
export class DigestSource {
  constructor(private readonly deps: DigestSourceDeps) {}

  objective(id: string): Objective | undefined {
    return this.deps.model.objectives.find((o) => o.id === id);
  }

  /** One KPI's chart over a span, as a linked image draws it (null for a KPI no longer in the model). */
  async chart(ref: { kpi: string; fromMs: number; toMs: number; stepMs: number }): Promise<Buffer | null> {
    const kpi = this.deps.model.kpis.find((k) => k.id === ref.kpi);
    if (!kpi) return null;
    const series = await querySeries(this.deps.clickhouse, kpi, { fromMs: ref.fromMs, toMs: ref.toMs, stepMs: ref.stepMs });
    const state = this.deps.wall.kpiState(kpi.id);
    const status = this.deps.wall.kpiHealth(kpi.id)?.status ?? state?.status ?? 'no_data';
    return chartPng({ series, target: state?.target ?? null, status });
  }

  async build(objective: Objective, nowMs: number): Promise<Digest> {
    const { deps } = this;
    const cadence = digestCadence(objective);
    const period = digestPeriod(cadence, nowMs, deps.timezone);
    const span = reportedSpan(cadence, nowMs, deps.timezone);
    const kpis = objectiveKpis(objective, deps.model.kpis);
    const series = new Map<string, SeriesPoint[]>();
    await Promise.all(
      kpis.map(async (k) => {
        try {
          series.set(k.id, await querySeries(deps.clickhouse, k, { fromMs: span.fromMs, toMs: nowMs, stepMs: STEP_MS[cadence] }));
        } catch {
          // the window's own sparkline still shows the trend when the history query cannot run
          series.set(k.id, deps.evaluator.spark(k.id));
        }
      }),
    );
    const [transitions, acks, last, created, milestones] = await Promise.all([
      deps.alertRepo.transitions({ fromMs: span.fromMs, toMs: span.toMs, limit: MAX_TRANSITIONS }),
      deps.alertRepo.acks(),
      deps.repo.lastCheckins(),
      deps.repo.createdAt(),
      deps.repo.milestones(MAX_MILESTONES),
    ]);
    const lastAt = new Map([...last].map(([k, v]) => [k, v.at]));
    return buildDigest({
      objective,
      state: deps.wall.objectiveState(objective.id),
      model: { objectives: deps.model.objectives, kpis: deps.model.kpis, goals: deps.model.goals },
      kpiState: (id) => deps.wall.kpiState(id),
      kpiHealth: (id) => deps.wall.kpiHealth(id),
      series,
      transitions,
      acks,
      reviews: reviewsDue({ objectives: deps.model.objectives, kpis: deps.model.kpis }, lastAt, nowMs, created),
      milestones,
      period,
      span,
      baseUrl: deps.baseUrl,
    });
  }
}
