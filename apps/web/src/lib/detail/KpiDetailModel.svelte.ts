import type { Annotation, Checkin, KpiWithState, SeriesResponse } from '@northstar/shared';
import { ApiError, api, errorMessage } from '../api/client.ts';
import { NO_ERRORS, mapFieldErrors, type FieldErrors } from '../forms/fieldErrors.ts';
import { rangeStart, type RangePreset } from './range.ts';
import { ANNOTATION_FIELDS, buildTimeline, detailPaths, formToAnnotation, newestTs, type AnnotationKind } from './timeline.ts';

/** The history reloads this often while the page is open, so it follows the wall without a reload. */
export const DETAIL_REFRESH_MS = 30_000;

/** Everything the chart and the timeline draw for one range, fetched together. */
export interface DetailData {
  range: RangePreset;
  series: SeriesResponse;
  annotations: Annotation[];
  checkins: Checkin[];
  /** Server time of the fetch: the reference for relative times, so they do not re-render every second. */
  loadedAt: number;
}

/**
 * One KPI's detail page: its definition and state, its history over a range preset with the
 * annotations and check-ins in that range, and the form that adds an annotation at "now".
 */
export class KpiDetailModel {
  /** The definition with its state as last fetched; the page prefers the live wall state when it has one. */
  kpi = $state.raw<KpiWithState | null>(null);
  data = $state.raw<DetailData | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);

  kind = $state<AnnotationKind>('note');
  text = $state('');
  errors = $state.raw<FieldErrors>(NO_ERRORS);
  status = $state.raw<{ kind: 'idle' | 'saved' | 'error'; text: string }>({ kind: 'idle', text: '' });
  saving = $state(false);

  readonly timeline = $derived(this.data ? buildTimeline(this.data.annotations, this.data.checkins) : []);
  /** The x range: the series' range, stretched to an annotation stamped after it by the server. */
  readonly span = $derived.by(() => {
    if (!this.data) return null;
    const newest = newestTs(this.timeline);
    return { from: this.data.series.from, to: Math.max(this.data.series.to, newest ?? this.data.series.to) };
  });
  readonly empty = $derived(this.data !== null && this.data.series.points.every(([, v]) => v === null) && this.timeline.length === 0);

  #range: RangePreset;
  #controller: AbortController | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly id: string,
    range: RangePreset,
    /** The server's clock (the wall keeps the offset), so "the last hour" is the server's last hour. */
    private readonly now: () => number = () => Date.now(),
  ) {
    this.#range = range;
  }

  get range(): RangePreset {
    return this.#range;
  }

  start(): void {
    void this.load();
    this.#timer = setInterval(() => void this.load(), DETAIL_REFRESH_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#controller?.abort();
  }

  /** Shows another range; the current chart stays until the new one has arrived. */
  setRange(range: RangePreset): void {
    if (range === this.#range) return;
    this.#range = range;
    void this.load();
  }

  /** Fetches the KPI and the range's history; a newer load supersedes one still in flight. */
  async load(): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    const { signal } = controller;
    const range = this.#range;
    const now = this.now();
    const paths = detailPaths(this.id, rangeStart(range, now));
    this.loading = true;
    try {
      const [kpi, series, annotations, checkins] = await Promise.all([
        api<KpiWithState>(paths.kpi, { signal }),
        api<SeriesResponse>(paths.series, { signal }),
        api<Annotation[]>(paths.annotations, { signal }),
        api<Checkin[]>(paths.checkins, { signal }),
      ]);
      if (signal.aborted) return;
      this.kpi = kpi;
      this.data = { range, series, annotations, checkins, loadedAt: now };
      this.error = null;
    } catch (err) {
      if (signal.aborted) return;
      // What was shown stays on screen; the message says the refresh failed.
      this.error = errorMessage(err);
    } finally {
      if (this.#controller === controller) {
        this.loading = false;
        this.#controller = null;
      }
    }
  }

  /** Adds an annotation at the server's now, then reloads so the chart and timeline show it. */
  async addAnnotation(): Promise<boolean> {
    const { body, problems } = formToAnnotation(this.id, this.kind, this.text);
    this.errors = mapFieldErrors(problems, ANNOTATION_FIELDS);
    if (problems.length > 0) return false;
    this.saving = true;
    try {
      await api<Annotation>('/api/v1/annotations', { method: 'POST', body });
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
