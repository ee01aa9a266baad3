import type { ClickHouseClient } from '@clickhouse/client';
import { Hono } from 'hono';
import {
  parseDurationMs,
  parseTimestamp,
  type KpiListResponse,
  type SeriesResponse,
  type Objective,
  type ResolvedKpi,
} from '@northstar/shared';
import type { KpiEvaluator } from '../evaluate/evaluator.ts';
import { querySeries } from '../store/series-query.ts';
import { jsonError } from './errors.ts';

/** A chart has no use for more points than pixels; this also bounds the query. */
const MAX_SERIES_POINTS = 5000;
const DEFAULT_RANGE_MS = 24 * 3_600_000;
const NICE_STEPS_MS = [10_000, 30_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000];

export interface KpiRouteDeps {
  objectives: Objective[];
  kpis: ResolvedKpi[];
  evaluator: KpiEvaluator;
  clickhouse: ClickHouseClient;
}

function publicDefinition(kpi: ResolvedKpi) {
  const { windowMs: _w, warningValue: _wv, criticalValue: _cv, ...definition } = kpi;
  return definition;
}

function autoStep(rangeMs: number): number {
  return NICE_STEPS_MS.find((s) => rangeMs / s <= 300) ?? 86_400_000;
}

export function kpiRoutes(deps: KpiRouteDeps): Hono {
  const app = new Hono();
  const byId = new Map(deps.kpis.map((k) => [k.id, k]));

  app.get('/api/v1/kpis', (c) => {
    const body: KpiListResponse = {
      objectives: deps.objectives,
      kpis: deps.kpis.map((k) => ({ ...publicDefinition(k), state: deps.evaluator.state(k.id)! })),
    };
    return c.json(body);
  });

  app.get('/api/v1/kpis/:id', (c) => {
    const kpi = byId.get(c.req.param('id'));
    if (!kpi) return jsonError(c, 404, 'not_found', `no KPI with id "${c.req.param('id').slice(0, 100)}"`);
    return c.json({ ...publicDefinition(kpi), state: deps.evaluator.state(kpi.id)!, spark: deps.evaluator.spark(kpi.id) });
  });

  app.get('/api/v1/kpis/:id/series', async (c) => {
    const kpi = byId.get(c.req.param('id'));
    if (!kpi) return jsonError(c, 404, 'not_found', `no KPI with id "${c.req.param('id').slice(0, 100)}"`);
    const now = Date.now();
    const problems: Array<{ field: string; message: string }> = [];
    const time = (name: 'from' | 'to', fallback: number): number => {
      const raw = c.req.query(name);
      if (raw === undefined || raw === '') return fallback;
      const t = parseTimestamp(/^\d+$/.test(raw) ? Number(raw) : raw, now);
      if (!t.ok) problems.push({ field: name, message: t.reason.replace(/^ts: /, '') });
      return t.ok ? t.ms : fallback;
    };
    const to = time('to', now);
    const from = time('from', to - DEFAULT_RANGE_MS);
    if (from >= to) problems.push({ field: 'from', message: 'must be before to' });
    let stepMs = autoStep(to - from);
    const rawStep = c.req.query('step');
    if (rawStep) {
      const parsed = /^\d+$/.test(rawStep) ? Number(rawStep) : parseDurationMs(rawStep);
      if (parsed === undefined || parsed < 1000)
        problems.push({ field: 'step', message: 'must be a duration like "1m" or milliseconds, at least 1s' });
      else stepMs = parsed;
    }
    // a step longer than the window must be whole windows, so each point is one window
    if (stepMs > kpi.windowMs) stepMs = Math.round(stepMs / kpi.windowMs) * kpi.windowMs;
    if (problems.length === 0 && (to - from) / stepMs > MAX_SERIES_POINTS) {
      problems.push({ field: 'step', message: `gives more than ${MAX_SERIES_POINTS} points for this range; use a larger step` });
    }
    if (problems.length > 0) return jsonError(c, 400, 'bad_query', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
    const points = await querySeries(deps.clickhouse, kpi, { fromMs: from, toMs: to, stepMs });
    const body: SeriesResponse = { kpi: kpi.id, from, to, stepMs, points };
    return c.json(body);
  });
  return app;
}
