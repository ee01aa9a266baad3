import type { Board } from '@northstar/shared';
import { api, errorMessage, kioskToken } from '../api/client.ts';
import { dwellMs, nextIndex, resolvePlaylist, unknownBoards, type TvBoard } from './playlist.ts';

/** The saved boards, as the API lists them. */
export class BoardList {
  boards = $state.raw<Board[] | null>(null);
  error = $state<string | null>(null);

  /** `only`: the boards a kiosk link may read, one by one (it may not list the others). */
  async load(only: readonly string[] = []): Promise<void> {
    try {
      this.boards =
        kioskToken() && only.length > 0
          ? await Promise.all(only.map((id) => api<Board>(`/api/v1/boards/${encodeURIComponent(id)}`)))
          : await api<Board[]>('/api/v1/boards');
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }
}

/** How often the board list is re-read, so a board edited at a desk reaches the TVs. */
const RELOAD_MS = 60_000;

/**
 * TV mode: the playlist from the URL and the saved boards, and the board on screen now,
 * advanced by a timer after each board's dwell time.
 */
export class TvModel {
  readonly list = new BoardList();
  index = $state(0);

  readonly #requested: readonly string[];
  readonly #rotate: number | null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #reload: ReturnType<typeof setInterval> | undefined;
  #running = false;

  /** Null until the boards are loaded (or failed to load: then the whole wall plays). */
  readonly playlist = $derived<TvBoard[] | null>(
    this.list.boards === null && this.list.error === null ? null : resolvePlaylist(this.list.boards ?? [], this.#requestedIds()),
  );
  readonly missing = $derived(unknownBoards(this.list.boards ?? [], this.#requestedIds()));
  readonly current = $derived<TvBoard | null>(this.playlist ? (this.playlist[this.index % this.playlist.length] ?? null) : null);

  constructor(requested: readonly string[], rotate: number | null) {
    this.#requested = requested;
    this.#rotate = rotate;
  }

  #requestedIds(): readonly string[] {
    return this.#requested;
  }

  async start(): Promise<void> {
    this.#running = true;
    this.#reload = setInterval(() => {
      void this.list.load(this.#requested).then(() => {
        // a playlist that grew from one board to several starts rotating
        if (this.#timer === undefined) this.#schedule();
      });
    }, RELOAD_MS);
    await this.list.load(this.#requested);
    this.#schedule();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    clearInterval(this.#reload);
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const board = this.current;
    const length = this.playlist?.length ?? 0;
    if (!this.#running || !board || length <= 1) return;
    this.#timer = setTimeout(
      () => {
        this.index = nextIndex(this.index % length, this.playlist?.length ?? 0);
        this.#schedule();
      },
      dwellMs(board, this.#rotate),
    );
  }
}
