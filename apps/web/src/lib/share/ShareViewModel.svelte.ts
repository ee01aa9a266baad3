import type { ShareCurrent } from '@northstar/shared';
import { ApiError, errorMessage } from '../api/client.ts';
import { fetchKpi, fetchSeries, type KpiAnswer } from '../api/history.ts';
import { currentShare } from '../api/shares.ts';
import { DETAIL_REFRESH_MS, type DetailData } from '../detail/KpiDetailModel.svelte.ts';
import { historyQueries } from '../detail/paths.ts';
import { resolveRange } from '../detail/range.ts';

export type ShareState =
  | { kind: 'loading' }
  /** Expired, revoked or unknown: the page says which and nothing else. */
  | { kind: 'gone'; code: string; message: string }
  | { kind: 'error'; message: string }
  | { kind: 'ok'; share: ShareCurrent };

/**
 * A share link's page: what the link shows (asked of the server with the link's token), and
 * for a KPI page its history over the link's range, refreshed like the KPI page's.
 */
export class ShareViewModel {
  state = $state.raw<ShareState>({ kind: 'loading' });
  kpi = $state.raw<KpiAnswer | null>(null);
  history = $state.raw<DetailData | null>(null);
  historyError = $state<string | null>(null);
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly now: () => number) {}

  start(): void {
    void this.load();
    this.#timer = setInterval(() => void this.load(), DETAIL_REFRESH_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async load(): Promise<void> {
    try {
      const share = await currentShare();
      this.state = { kind: 'ok', share };
      if (share.view.kind === 'kpi') await this.#loadHistory(share.view.kpi, share.view.range);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 410 || err.status === 401)) {
        this.state = { kind: 'gone', code: err.code, message: err.message };
        this.stop();
      } else if (this.state.kind !== 'ok') {
        this.state = { kind: 'error', message: errorMessage(err) };
      }
    }
  }

  async #loadHistory(id: string, preset: Extract<ShareCurrent['view'], { kind: 'kpi' }>['range']): Promise<void> {
    try {
      const kpi = await fetchKpi(id);
      const now = this.now();
      const span = resolveRange({ kind: 'preset', preset }, now, kpi.timezone);
      const series = await fetchSeries(id, historyQueries(span).series);
      this.kpi = kpi;
      this.history = { range: preset, span, compare: [], series, annotations: [], checkins: [], loadedAt: now };
      this.historyError = null;
    } catch (err) {
      this.historyError = errorMessage(err);
    }
  }
}
