import { fromWallInput, toWallInput } from '../time/zone.ts';
import { isValidDim, zoomRange, type HistoryView } from './view.ts';

/** A zoom or brush settles before it becomes a URL (and a refetch at a finer step). */
export const ZOOM_SETTLE_MS = 400;

export interface HistoryControlsDeps {
  /** The KPI's time zone, read when the inputs are filled or applied (the definition may arrive after the view). */
  zone: () => string;
  /** The range the chart shows now, to pre-fill the custom range. */
  shown: () => { from: number; to: number };
  /** Moves to another view (the URL holds it; the page follows the URL back into `follow`). */
  navigate: (change: Partial<HistoryView>) => void;
}

/**
 * What the KPI page's controls hold between the URL's views: the custom range being typed (and
 * why it is refused), the dimension being typed, and a zoom that has not settled yet. Applying
 * one asks for a new view; the view itself lives in the URL.
 */
export class HistoryControls {
  /** The custom range asked for while the view is a preset. */
  customOpen = $state(false);
  customFrom = $state('');
  customTo = $state('');
  customError = $state<string | null>(null);
  dimText = $state('');
  dimError = $state<string | null>(null);

  #view = $state.raw<HistoryView>() as HistoryView;
  readonly #deps: HistoryControlsDeps;
  #zoomTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(view: HistoryView, deps: HistoryControlsDeps) {
    this.#deps = deps;
    this.#view = view;
    this.dimText = view.dim ?? '';
  }

  /** The custom range form shows while the view is custom, or when asked for. */
  get showCustom(): boolean {
    return this.customOpen || this.#view.range.kind === 'custom';
  }

  /** A new view from the URL: a custom range fills the inputs with what it is; the dimension field says the view's. */
  follow(view: HistoryView): void {
    this.#view = view;
    if (view.range.kind === 'custom') {
      this.#fill(view.range);
      this.customError = null;
    }
    this.dimText = view.dim ?? '';
    this.dimError = null;
  }

  /** Opens (pre-filled with the chart's range) or closes the custom range; a custom view keeps it open. */
  toggleCustom(): void {
    if (this.#view.range.kind === 'custom') return;
    this.customOpen = !this.customOpen;
    if (this.customOpen) this.#fill(this.#deps.shown());
    this.customError = null;
  }

  applyCustom(): void {
    const zone = this.#deps.zone();
    const from = fromWallInput(this.customFrom, zone);
    const to = fromWallInput(this.customTo, zone);
    if (from === null || to === null) {
      this.customError = 'Give both a start and an end date and time.';
      return;
    }
    const range = to > from ? zoomRange(from, to) : null;
    if (range === null) {
      this.customError = 'The end must be at least a minute after the start.';
      return;
    }
    this.customError = null;
    this.#deps.navigate({ range });
  }

  applyDim(): void {
    const dim = this.dimText.trim();
    if (dim === '') {
      this.#deps.navigate({ dim: null });
      return;
    }
    if (!isValidDim(dim)) {
      this.dimError = 'A dimension name is 1 to 64 letters, digits, "_", "." or "-".';
      return;
    }
    this.dimError = null;
    this.#deps.navigate({ dim });
  }

  /** A zoom on the chart; only the last of a burst, once it has settled, becomes a view. */
  zoom(from: number, to: number): void {
    clearTimeout(this.#zoomTimer);
    this.#zoomTimer = setTimeout(() => {
      const range = zoomRange(from, to);
      if (range) this.#deps.navigate({ range });
    }, ZOOM_SETTLE_MS);
  }

  stop(): void {
    clearTimeout(this.#zoomTimer);
  }

  #fill(span: { from: number; to: number }): void {
    const zone = this.#deps.zone();
    this.customFrom = toWallInput(span.from, zone);
    this.customTo = toWallInput(span.to, zone);
  }
}
