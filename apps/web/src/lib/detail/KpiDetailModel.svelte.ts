import type { Annotation, BreakdownResponse, Checkin, DetectionPoint, DimensionsResponse, SeriesResponse } from '@northstar/shared';
import { backtest } from '../api/alerts.ts';
import { ApiError, call, client, errorMessage } from '../api/client.ts';
import {
  fetchAlertHistory,
  fetchAnnotations,
  fetchBreakdown,
  fetchCheckins,
  fetchDimensions,
  fetchKpi,
  fetchSeries,
  type KpiAnswer,
} from '../api/history.ts';
import { LatestRequest } from '../api/latestRequest.ts';
import type { AlertMark } from '../charts/history.ts';
import { NO_ERRORS, mapFieldErrors, type FieldErrors } from '../forms/fieldErrors.ts';
import { exportPath, historyQueries, type ExportFormat } from './paths.ts';
import { rangeName, resolveRange, type RangePreset, type ResolvedRange } from './range.ts';
import { ANNOTATION_FIELDS, buildTimeline, formToAnnotation, newestTs, type AnnotationKind } from './timeline.ts';
import { COMMON_DIMS, DEFAULT_VIEW, sameRange, type CompareKind, type HistoryView } from './view.ts';

/** The history reloads this often while the page is open, so it follows the wall without a reload. */
export const DETAIL_REFRESH_MS = 30_000;

/** Everything the chart and the timeline draw for one range, fetched together. */
export interface DetailData {
  /** The preset's name, or "custom". */
  range: RangePreset | 'custom';
  /** The instants asked for. */
  span: ResolvedRange;
  compare: readonly CompareKind[];
  series: SeriesResponse;
  annotations: Annotation[];
  checkins: Checkin[];
  /** Server time of the fetch: the reference for relative times, so they do not re-render every second. */
  loadedAt: number;
}

/** A part of the page fetched on its own: what arrived, and why the last try failed. */
export interface Part<T> {
  value: T | null;
  error: string | null;
}

const NONE = { value: null, error: null } as const;

export interface BreakdownData {
  dim: string;
  response: BreakdownResponse;
}

/**
 * One KPI's history page: its definition and state, its history over the view's range (with the
 * chosen comparisons), the annotations, check-ins, alerts and the detector's band in that range,
 * an optional breakdown by a dimension, and the form that adds an annotation at "now".
 */
export class KpiDetailModel {
  /** The definition with its state as last fetched; the page prefers the live wall state when it has one. */
  kpi = $state.raw<KpiAnswer | null>(null);
  data = $state.raw<DetailData | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  /** The detector backtest over the range (the anomaly band and markers); fetched only while shown. */
  detection = $state.raw<Part<DetectionPoint[]>>(NONE);
  alerts = $state.raw<Part<AlertMark[]>>(NONE);
  breakdown = $state.raw<Part<BreakdownData>>(NONE);
  /** The dimensions the KPI's events carry over the range (from the store), offered for the breakdown. */
  dimensions = $state.raw<Part<DimensionsResponse>>(NONE);
  /** The KPI does not exist (the server said 404): the page says so instead of drawing an empty chart. */
  notFound = $state(false);
  breakdownLoading = $state(false);

  kind = $state<AnnotationKind>('note');
  text = $state('');
  errors = $state.raw<FieldErrors>(NO_ERRORS);
  status = $state.raw<{ kind: 'idle' | 'saved' | 'error'; text: string }>({ kind: 'idle', text: '' });
  saving = $state(false);

  #view = $state.raw<HistoryView>(DEFAULT_VIEW);

  readonly timeline = $derived(this.data ? buildTimeline(this.data.annotations, this.data.checkins) : []);
  /** The x range: the series' range, stretched to an annotation stamped after it by the server. */
  readonly span = $derived.by(() => {
    if (!this.data) return null;
    const newest = newestTs(this.timeline);
    return { from: this.data.series.from, to: Math.max(this.data.series.to, newest ?? this.data.series.to) };
  });
  readonly empty = $derived(this.data !== null && this.data.series.points.every(([, v]) => v === null) && this.timeline.length === 0);
  /** Download links for what the chart shows (the export endpoint answers with an attachment). */
  readonly exports = $derived.by((): Record<ExportFormat, string> | null => {
    if (!this.data) return null;
    const { span } = this.data;
    return { csv: exportPath(this.id, span, 'csv'), json: exportPath(this.id, span, 'json') };
  });

  /** The dimensions the events carry in this range (from the store); null until known. */
  readonly carried = $derived(this.dimensions.value?.dimensions ?? null);
  /** What the dimension field offers: what the events carry, else the common names. */
  readonly dimChoices = $derived<readonly string[]>(this.carried ? this.carried.map((d) => d.name) : COMMON_DIMS);
  /** The breakdown for the view's dimension; null while another dimension's is all there is. */
  readonly shownBreakdown = $derived(this.breakdown.value && this.breakdown.value.dim === this.#view.dim ? this.breakdown.value : null);
  /** A dimension asked for that no event in the range carries: said in words, not drawn as "Other 100 %". */
  readonly notCarried = $derived(this.#view.dim !== null && this.carried !== null && !this.carried.some((d) => d.name === this.#view.dim));

  readonly #request = new LatestRequest();
  readonly #breakdownRequest = new LatestRequest();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly id: string,
    view: HistoryView,
    /** The server's clock (the wall keeps the offset), so "the last hour" is the server's last hour. */
    private readonly now: () => number = () => Date.now(),
  ) {
    this.#view = view;
  }

  get view(): HistoryView {
    return this.#view;
  }

  /** The KPI's time zone: where quarter- and year-to-date start. */
  get timezone(): string {
    return this.kpi?.timezone ?? 'UTC';
  }

  start(): void {
    void this.load();
    this.#timer = setInterval(() => {
      // A fixed custom range does not move; presets follow the clock.
      if (this.#view.range.kind === 'preset') void this.load();
    }, DETAIL_REFRESH_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#request.abort();
    this.#breakdownRequest.abort();
  }

  /** Shows another view (from the URL); fetches only what it changes. The current charts stay until the new data has arrived. */
  setView(view: HistoryView): void {
    const before = this.#view;
    this.#view = view;
    const rangeChanged = !sameRange(before.range, view.range) || before.compare.join() !== view.compare.join();
    const overlaysNeedData =
      (before.hide.includes('anomalies') && !view.hide.includes('anomalies')) ||
      (before.hide.includes('alerts') && !view.hide.includes('alerts'));
    if (rangeChanged || overlaysNeedData) {
      void this.load();
      return;
    }
    if (before.dim !== view.dim) void this.loadBreakdown();
  }

  /** Fetches the KPI, the range's history and its overlays (and the breakdown); a newer load supersedes one still in flight. */
  async load(): Promise<void> {
    const signal = this.#request.next();
    const view = this.#view;
    const now = this.now();
    this.loading = true;
    try {
      // The definition first: its time zone says where quarter- and year-to-date begin.
      const kpi = await fetchKpi(this.id, signal);
      if (signal.aborted) return;
      this.notFound = false;
      this.kpi = kpi;
      const span = resolveRange(view.range, now, kpi.timezone);
      const q = historyQueries(span, view.compare);
      const withDetection = !view.hide.includes('anomalies');
      const withAlerts = !view.hide.includes('alerts');
      const [series, annotations, checkins, detection, alerts, dimensions] = await Promise.all([
        fetchSeries(this.id, q.series, signal),
        fetchAnnotations(this.id, q.span, signal),
        fetchCheckins(this.id, q.span, signal),
        // The overlays are extras: their failure is said beside the chart, not instead of it.
        withDetection ? settle(backtest(this.id, span.from, span.to, signal).then((b) => b.points)) : Promise.resolve(NONE),
        withAlerts ? settle<AlertMark[]>(fetchAlertHistory(this.id, q.alerts, signal)) : Promise.resolve(NONE),
        settle(fetchDimensions(this.id, q.span, signal)),
      ]);
      if (signal.aborted) return;
      this.data = { range: rangeName(view.range), span, compare: view.compare, series, annotations, checkins, loadedAt: now };
      this.detection = detection;
      this.alerts = alerts;
      this.dimensions = dimensions;
      this.error = null;
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof ApiError && err.status === 404 && this.kpi === null) this.notFound = true;
      // What was shown stays on screen; the message says the refresh failed.
      this.error = errorMessage(err);
    } finally {
      if (this.#request.settled(signal)) this.loading = false;
    }
    if (!signal.aborted && this.error === null) await this.loadBreakdown();
  }

  /** Fetches the breakdown by the view's dimension over the range last loaded (none without a dimension). */
  async loadBreakdown(): Promise<void> {
    this.#breakdownRequest.abort();
    const dim = this.#view.dim;
    if (dim === null) {
      this.breakdown = NONE;
      this.breakdownLoading = false;
      return;
    }
    const signal = this.#breakdownRequest.next();
    const span = this.data?.span ?? resolveRange(this.#view.range, this.now(), this.timezone);
    this.breakdownLoading = true;
    try {
      const response = await fetchBreakdown(this.id, historyQueries(span).breakdown(dim), signal);
      if (signal.aborted) return;
      this.breakdown = { value: { dim, response }, error: null };
    } catch (err) {
      if (signal.aborted) return;
      this.breakdown = { value: this.breakdown.value?.dim === dim ? this.breakdown.value : null, error: errorMessage(err) };
    } finally {
      if (this.#breakdownRequest.settled(signal)) this.breakdownLoading = false;
    }
  }

  /** Adds an annotation at the server's now, then reloads so the chart and timeline show it. */
  async addAnnotation(): Promise<boolean> {
    const { body, problems } = formToAnnotation(this.id, this.kind, this.text);
    this.errors = mapFieldErrors(problems, ANNOTATION_FIELDS);
    if (problems.length > 0) return false;
    this.saving = true;
    try {
      await call(client.api.v1.annotations.$post({ json: body }));
      this.text = '';
      this.status = { kind: 'saved', text: 'Annotation added.' };
    } catch (err) {
      if (err instanceof ApiError && err.details.length > 0) this.errors = mapFieldErrors(err.details, ANNOTATION_FIELDS);
      this.status = { kind: 'error', text: errorMessage(err) };
      return false;
    } finally {
      this.saving = false;
    }
    await this.load();
    return true;
  }
}

/** A request's value or its failure's message; an abort still rejects, so the caller's load stops. */
async function settle<T>(request: Promise<T>): Promise<Part<T>> {
  try {
    return { value: await request, error: null };
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    return { value: null, error: errorMessage(err) };
  }
}
