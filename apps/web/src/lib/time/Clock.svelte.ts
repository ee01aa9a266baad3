/** How often relative times ("updated 4 s ago") are refreshed. */
const TICK_MS = 1_000;

/**
 * The one ticking clock of the page. Every tile reads `now` from here, so a board of a
 * hundred tiles re-renders its freshness text once a second from a single timer.
 */
export class Clock {
  now = $state(Date.now());
  #timer: ReturnType<typeof setInterval> | undefined;

  start(): void {
    if (this.#timer !== undefined) return;
    this.now = Date.now();
    this.#timer = setInterval(() => {
      this.now = Date.now();
    }, TICK_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
