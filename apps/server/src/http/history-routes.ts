import type { ClickHouseClient } from '@clickhouse/client';
import { Hono, type Context } from 'hono';
import type { BreakdownResponse, DimensionsResponse, ExportResponse, KpiDefinition } from '@northstar/shared';
import { EXPORT_FORMATS, exportFileName, exportRows, toCsv, type ExportFormat } from '../history/export-format.ts';
import type { FieldProblem } from '@northstar/shared';
import type { ModelService } from '../model/model-service.ts';
import { queryBreakdown } from '../store/breakdown-query.ts';
import { queryDimensions } from '../store/dimension-query.ts';
import { querySeries } from '../store/series-query.ts';
import { badQuery, jsonError } from './errors.ts';
import { doc } from './route-doc.ts';
import { input } from './typed-input.ts';
import { targetTimeline } from '../history/target-timeline.ts';
import { readSeriesParams } from './series-params.ts';

/** A dimension name as events may carry it (see the event contract); bound as a parameter, never spliced. */
const DIM_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const TOP_DEFAULT = 5;
/** A chart legend, and one series query per group when a step is asked for. */
const TOP_MAX = 50;

export interface HistoryRouteDeps {
  model: ModelService;
  clickhouse: ClickHouseClient;
}

/** The KPI with one more filter pair on every measure: a group's own series. */
function narrowed(kpi: KpiDefinition, dim: string, value: string): KpiDefinition {
  if (!kpi.ratio) return { ...kpi, filter: { ...kpi.filter, [dim]: value } };
  const { numerator, denominator } = kpi.ratio;
  return {
    ...kpi,
    ratio: {
      ...kpi.ratio,
      numerator: { ...numerator, filter: { ...numerator.filter, [dim]: value } },
      denominator: { ...denominator, filter: { ...denominator.filter, [dim]: value } },
    },
  };
}

/** Drill-down beside the series: breakdown by a dimension, and export. */
export function historyRoutes(deps: HistoryRouteDeps) {
  const find = (id: string) => deps.model.get('kpi', id);
  const notFound = (c: Context, id: string) => jsonError(c, 404, 'not_found', `no KPI with id "${id.slice(0, 100)}"`);

  return new Hono()
    .get(
      '/api/v1/kpis/:id/breakdown',
      doc({
        tag: 'history',
        summary: 'The KPI over a range by one dimension: the top N values and "other"; with step, each top value’s series',
        query: [{ name: 'dim', required: true }, 'from', 'to', 'top', 'step'],
        responses: { 200: 'BreakdownResponse', 400: 'Invalid query; details name each bad parameter', 404: 'No such KPI' },
      }),
      input<{ query: { dim: string; from?: string; to?: string; top?: string; step?: string } }>(),
      async (c) => {
        const kpi = find(c.req.param('id'));
        if (!kpi) return notFound(c, c.req.param('id'));
        const params = readSeriesParams(c, kpi, Date.now());
        const problems: FieldProblem[] = Array.isArray(params) ? [...params] : [];
        const dim = c.req.query('dim') ?? '';
        if (!DIM_PATTERN.test(dim))
          problems.push({ field: 'dim', message: 'must be a dimension name: 1-64 letters, digits, "_", "." or "-"' });
        const rawTop = c.req.query('top');
        const top = rawTop === undefined || rawTop === '' ? TOP_DEFAULT : Number(rawTop);
        if (!Number.isInteger(top) || top < 1 || top > TOP_MAX)
          problems.push({ field: 'top', message: `must be a whole number from 1 to ${TOP_MAX}` });
        if (Array.isArray(params) || problems.length > 0) return badQuery(c, problems);
        const { groups, other } = await queryBreakdown(deps.clickhouse, kpi, { fromMs: params.fromMs, toMs: params.toMs, dim, top });
        const body: BreakdownResponse = { kpi: kpi.id, dim, from: params.fromMs, to: params.toMs, groups, other };
        if (c.req.query('step')) {
          body.stepMs = params.stepMs;
          body.series = await Promise.all(
            groups.map(async (g) => ({ value: g.value, points: await querySeries(deps.clickhouse, narrowed(kpi, dim, g.value), params) })),
          );
        }
        return c.json(body);
      },
    )
    .get(
      '/api/v1/kpis/:id/dimensions',
      doc({
        tag: 'history',
        summary: 'The dimension names the KPI’s events carry over a range, with how many events carry each',
        query: ['from', 'to'],
        responses: { 200: 'DimensionsResponse', 400: 'Invalid query; details name each bad parameter', 404: 'No such KPI' },
      }),
      input<{ query: { from?: string; to?: string } }>(),
      async (c) => {
        const kpi = find(c.req.param('id'));
        if (!kpi) return notFound(c, c.req.param('id'));
        const params = readSeriesParams(c, kpi, Date.now());
        if (Array.isArray(params)) return badQuery(c, params);
        const found = await queryDimensions(deps.clickhouse, kpi, params);
        const body: DimensionsResponse = { kpi: kpi.id, from: params.fromMs, to: params.toMs, ...found };
        return c.json(body);
      },
    )
    .get(
      '/api/v1/kpis/:id/export',
      doc({
        tag: 'history',
        summary: 'The series with the target in force, as a CSV or JSON attachment',
        query: [{ name: 'format', description: 'csv (default) or json' }, 'from', 'to', 'step'],
        responses: { 200: 'CSV or ExportResponse', 400: 'Invalid query; details name each bad parameter', 404: 'No such KPI' },
      }),
      input<{ query: { format?: string; from?: string; to?: string; step?: string } }>(),
      async (c) => {
        const kpi = find(c.req.param('id'));
        if (!kpi) return notFound(c, c.req.param('id'));
        const params = readSeriesParams(c, kpi, Date.now());
        const problems: FieldProblem[] = Array.isArray(params) ? [...params] : [];
        const format = (c.req.query('format') ?? 'csv') as ExportFormat;
        if (!EXPORT_FORMATS.includes(format)) problems.push({ field: 'format', message: 'must be csv or json' });
        if (Array.isArray(params) || problems.length > 0) return badQuery(c, problems);
        const points = await querySeries(deps.clickhouse, kpi, params);
        const targets = targetTimeline(
          await deps.model.history('kpi', kpi.id),
          points.map((p) => p[0]),
        );
        const rows = exportRows(points, targets);
        c.header('Content-Disposition', `attachment; filename="${exportFileName(kpi.id, params.fromMs, params.toMs, format)}"`);
        if (format === 'csv') return c.body(toCsv(rows), 200, { 'Content-Type': 'text/csv; charset=utf-8; header=present' });
        const body: ExportResponse = {
          kpi: kpi.id,
          name: kpi.name,
          unit: kpi.unit ?? null,
          from: new Date(params.fromMs).toISOString(),
          to: new Date(params.toMs).toISOString(),
          stepMs: params.stepMs,
          rows,
        };
        return c.json(body);
      },
    );
}
