import { call, client } from './client.ts';
import type { SpanQuery } from '../detail/paths.ts';

/**
 * One KPI's history page under /api/v1 (see apps/server/src/http/kpi-routes.ts, history-routes.ts,
 * feedback-routes.ts, alert-routes.ts): each request takes the page's abort signal, so a newer
 * view supersedes one still loading. Queries come from detail/paths.ts.
 */

const kpis = client.api.v1.kpis[':id'];
const param = (id: string) => ({ id: encodeURIComponent(id) });
const init = (signal?: AbortSignal) => ({ init: { signal } });

export const fetchKpi = (id: string, signal?: AbortSignal) => call(kpis.$get({ param: param(id) }, init(signal)));
/** A KPI with its live state as the route answers it (its health is missing until the evaluator has judged it). */
export type KpiAnswer = Awaited<ReturnType<typeof fetchKpi>>;

export const fetchSeries = (id: string, query: SpanQuery & { compare?: string }, signal?: AbortSignal) =>
  call(kpis.series.$get({ param: param(id), query }, init(signal)));

export const fetchAnnotations = (kpi: string, span: SpanQuery, signal?: AbortSignal) =>
  call(client.api.v1.annotations.$get({ query: { kpi, ...span } }, init(signal)));

export const fetchCheckins = (id: string, span: SpanQuery, signal?: AbortSignal) =>
  call(client.api.v1.checkins.$get({ query: { kind: 'kpi', id, ...span } }, init(signal)));

export const fetchAlertHistory = (kpi: string, range: { from: string; to: string }, signal?: AbortSignal) =>
  call(client.api.v1.alerts.history.$get({ query: { kpi, ...range } }, init(signal)));

export const fetchDimensions = (id: string, span: SpanQuery, signal?: AbortSignal) =>
  call(kpis.dimensions.$get({ param: param(id), query: span }, init(signal)));

export const fetchBreakdown = (id: string, query: SpanQuery & { dim: string; top: string }, signal?: AbortSignal) =>
  call(kpis.breakdown.$get({ param: param(id), query }, init(signal)));
