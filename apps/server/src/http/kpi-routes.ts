import type { ClickHouseClient } from '@clickhouse/client';
import { Hono, type Context } from 'hono';
import { PERIOD_PATTERN, periodSpan, type KpiListResponse, type SeriesResponse } from '@northstar/shared';
import { suggestTarget } from '../align/target-suggestion.ts';
import type { KpiEvaluator } from '../evaluate/evaluator.ts';
import type { WallService } from '../live/wall-service.ts';
import type { ModelService } from '../model/model-service.ts';
import { querySeries } from '../store/series-query.ts';
import { badQuery, jsonError } from './errors.ts';
import { doc } from './route-doc.ts';
import { input } from './typed-input.ts';
import { readSeriesParams, type SeriesParams } from './series-params.ts';
import { parseCompare, seriesComparison } from '../history/comparison.ts';
import { targetTimeline } from '../history/target-timeline.ts';

/** Target suggestions look back this many periods of the requested length. */
const SUGGESTION_LOOKBACK_PERIODS = 4;
/** Enough points to see percentiles and trend; few enough for one quick query. */
const SUGGESTION_POINTS = 1000;

export interface KpiRouteDeps {
  model: ModelService;
  evaluator: Pick<KpiEvaluator, 'spark'>;
  loop: Pick<WallService, 'kpiState' | 'kpiHealth'>;
  clickhouse: ClickHouseClient;
}

export function kpiRoutes(deps: KpiRouteDeps) {
  const find = (id: string) => deps.model.get('kpi', id);
  const notFound = (c: Context, id: string) => jsonError(c, 404, 'not_found', `no KPI with id "${id.slice(0, 100)}"`);

  return new Hono()
    .get(
      '/api/v1/kpis',
      doc({ tag: 'kpis', summary: 'Objectives, and every KPI with its live state and health', responses: { 200: 'KpiListResponse' } }),
      (c) => {
        const body: KpiListResponse = {
          objectives: deps.model.objectives,
          kpis: deps.model.kpis.flatMap((k) => {
            const state = deps.loop.kpiState(k.id);
            const health = deps.loop.kpiHealth(k.id);
            return state && health ? [{ ...k, version: deps.model.version('kpi', k.id), state, health }] : [];
          }),
        };
        return c.json(body);
      },
    )
    .get(
      '/api/v1/kpis/:id',
      doc({
        tag: 'kpis',
        summary: 'One KPI with its live state, health and sparkline; ETag: its version',
        responses: { 200: 'KpiWithState', 404: 'No such KPI (or not evaluated yet)' },
      }),
      (c) => {
        const kpi = find(c.req.param('id'));
        const state = kpi && deps.loop.kpiState(kpi.id);
        if (!kpi || !state) return notFound(c, c.req.param('id'));
        c.header('ETag', `"${deps.model.version('kpi', kpi.id)}"`);
        const health = deps.loop.kpiHealth(kpi.id);
        return c.json({ ...kpi, version: deps.model.version('kpi', kpi.id), state, health, spark: deps.evaluator.spark(kpi.id) });
      },
    )
    .get(
      '/api/v1/kpis/:id/series',
      doc({
        tag: 'kpis',
        summary: 'The KPI over time with the target in force at each point; compare=previous,last_year adds those periods',
        query: ['from', 'to', 'step', 'compare'],
        responses: { 200: 'SeriesResponse', 400: 'Invalid query; details name each bad parameter', 404: 'No such KPI' },
      }),
      input<{ query: { from?: string; to?: string; step?: string; compare?: string } }>(),
      async (c) => {
        const kpi = find(c.req.param('id'));
        if (!kpi) return notFound(c, c.req.param('id'));
        const params = readSeriesParams(c, kpi, Date.now());
        const compare = parseCompare(c.req.query('compare'));
        const problems = [
          ...(Array.isArray(params) ? params : []),
          ...(typeof compare === 'string' ? [{ field: 'compare', message: compare }] : []),
        ];
        if (Array.isArray(params) || typeof compare === 'string') {
          return badQuery(c, problems);
        }
        const points = await querySeries(deps.clickhouse, kpi, params);
        const versions = await deps.model.history('kpi', kpi.id);
        const body: SeriesResponse = {
          kpi: kpi.id,
          from: params.fromMs,
          to: params.toMs,
          stepMs: params.stepMs,
          points,
          targets: targetTimeline(
            versions,
            points.map((p) => p[0]),
          ),
        };
        if (compare.length > 0) {
          const query = (range: SeriesParams) => querySeries(deps.clickhouse, kpi, range);
          body.comparison = await seriesComparison(
            query,
            compare,
            params,
            kpi.timezone,
            points.map((p) => p[0]),
          );
        }
        return c.json(body);
      },
    )
    .get(
      '/api/v1/kpis/:id/target-suggestion',
      doc({
        tag: 'kpis',
        summary: 'Maintain and stretch targets from the KPI’s own history',
        query: [{ name: 'period', required: true, example: '2027-Q1' }],
        responses: { 200: 'TargetSuggestion', 400: 'period is not a period', 404: 'No such KPI' },
      }),
      input<{ query: { period: string } }>(),
      async (c) => {
        const kpi = find(c.req.param('id'));
        if (!kpi) return notFound(c, c.req.param('id'));
        const period = c.req.query('period') ?? '';
        if (!PERIOD_PATTERN.test(period)) {
          return jsonError(c, 400, 'bad_query', 'period: must be a period like "2027", "2027-Q1" or "2027-01"', [
            { field: 'period', message: 'must be a period like "2027", "2027-Q1" or "2027-01"' },
          ]);
        }
        const range = periodSpan(period, kpi.timezone);
        const periodMs = range.endMs - range.startMs;
        const toMs = Date.now();
        const fromMs = toMs - SUGGESTION_LOOKBACK_PERIODS * periodMs;
        const stepMs = Math.max(60_000, Math.ceil((toMs - fromMs) / SUGGESTION_POINTS / 60_000) * 60_000);
        const points = await querySeries(deps.clickhouse, kpi, { fromMs, toMs, stepMs });
        const suggestion = suggestTarget({ points, periodMs, direction: kpi.direction, nowMs: toMs });
        return c.json({ kpi: kpi.id, period, ...suggestion });
      },
    );
}
