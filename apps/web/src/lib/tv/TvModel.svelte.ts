import type { Board, MeResponse } from '@northstar/shared';
import { me } from '../api/auth.ts';
import { call, client, errorMessage, kioskToken } from '../api/client.ts';
import { dwellMs, nextIndex, resolvePlaylist, unknownBoards, type TvBoard } from './playlist.ts';

/** The saved boards, as the API lists them; for a kiosk link, only the one board it is for. */
export class BoardList {
  boards = $state.raw<Board[] | null>(null);
  error = $state<string | null>(null);
  /** The board a kiosk link is for (from /api/v1/auth/me); null in a signed-in browser. */
  kioskBoard = $state<string | null>(null);

  async load(): Promise<void> {
    try {
      if (kioskToken()) {
        // a kiosk may read its own board and nothing else: ask which one, then read just that
        if (this.kioskBoard === null) this.kioskBoard = kioskBoardOf(await me());
        this.boards =
          this.kioskBoard === null
            ? []
            : [await call(client.api.v1.boards[':id'].$get({ param: { id: encodeURIComponent(this.kioskBoard) } }))];
      } else {
        this.boards = await call(client.api.v1.boards.$get());
      }
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }
}

function kioskBoardOf(me: MeResponse): string | null {
  if ('kiosk' in me) return me.kiosk.board;
  // a share link to a board reads like that board's kiosk
  return 'share' in me && me.share.view.kind === 'board' ? me.share.view.board : null;
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

  /** Boards the URL asks for that a kiosk link may not show: it says which board it is for instead. */
  readonly foreign = $derived(
    // said once the kiosk's own board has been read, so the message names it
    this.list.kioskBoard === null || (this.list.boards === null && this.list.error === null)
      ? []
      : this.#requestedIds().filter((id) => id !== this.list.kioskBoard),
  );
  /** Null until the boards are loaded (or failed to load: then the whole wall plays). */
  readonly playlist = $derived<TvBoard[] | null>(
    this.list.boards === null && this.list.error === null
      ? null
      : this.foreign.length > 0
        ? []
        : resolvePlaylist(this.list.boards ?? [], this.list.kioskBoard === null ? this.#requestedIds() : [this.list.kioskBoard]),
  );
  /** The kiosk's own board, by name when it could read it. */
  readonly kioskBoardName = $derived(
    this.list.kioskBoard === null ? null : (this.list.boards?.find((b) => b.id === this.list.kioskBoard)?.name ?? this.list.kioskBoard),
  );
  readonly missing = $derived(this.list.kioskBoard === null ? unknownBoards(this.list.boards ?? [], this.#requestedIds()) : []);
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
      void this.list.load().then(() => {
        // a playlist that grew from one board to several starts rotating
        if (this.#timer === undefined) this.#schedule();
      });
    }, RELOAD_MS);
    await this.list.load();
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
