import { backtest } from '../api/alerts.ts';
import { ApiError, errorMessage } from '../api/client.ts';
import { fetchSeries } from '../api/history.ts';
import { LatestRequest } from '../api/latestRequest.ts';
import { PREVIEW_FALLBACK_MS, PREVIEW_RANGE_MS, type PreviewData } from './preview.ts';

/** Fetches what the rule editor's preview draws: a detector backtest or the KPI history, over the last 7 days. */
export class RulePreviewModel {
  data = $state.raw<PreviewData | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);

  readonly #request = new LatestRequest();

  constructor(private readonly now: () => number = () => Date.now()) {}

  stop(): void {
    this.#request.abort();
  }

  async load(kpi: string, kind: PreviewData['kind']): Promise<void> {
    const signal = this.#request.next();
    const to = this.now();
    this.loading = true;
    try {
      const data = kind === 'backtest' ? await this.#backtest(kpi, to, signal) : await this.#series(kpi, to, signal);
      if (signal.aborted) return;
      this.data = data;
      this.error = null;
    } catch (err) {
      if (signal.aborted) return;
      this.error = errorMessage(err);
    } finally {
      if (this.#request.settled(signal)) this.loading = false;
    }
  }

  async #backtest(kpi: string, to: number, signal: AbortSignal): Promise<PreviewData> {
    let from = to - PREVIEW_RANGE_MS;
    let body;
    try {
      body = await backtest(kpi, from, to, signal);
    } catch (err) {
      // A KPI with a short detection step holds too many steps in 7 days: a day still says a lot.
      if (!(err instanceof ApiError && err.details.some((d) => d.field === 'from'))) throw err;
      from = to - PREVIEW_FALLBACK_MS;
      body = await backtest(kpi, from, to, signal);
    }
    return { kind: 'backtest', kpi, from, to, points: body.points, flagged: body.flagged, loadedAt: to };
  }

  async #series(kpi: string, to: number, signal: AbortSignal): Promise<PreviewData> {
    const series = await fetchSeries(kpi, { from: String(Math.floor(to - PREVIEW_RANGE_MS)) }, signal);
    return { kind: 'series', kpi, from: series.from, to: series.to, series, loadedAt: to };
  }
}
