/** What the loop drives: the wall service. */
export interface WallTicks {
  tick(nowMs: number): void;
  refresh(nowMs: number): void;
}

export interface WallLoopOptions {
  wall: WallTicks;
  intervalMs: number;
  /**
   * Evaluate right after stored events reach the evaluator (and publish what changed)
   * instead of waiting for the next tick; detectors, alerts and milestones stay on the tick.
   */
  onWrite?: { subscribe: (listener: () => void) => void; minIntervalMs: number };
}

/**
 * The wall's clock: a full tick every `intervalMs`, and a quick refresh after writes,
 * coalesced to one per `minIntervalMs`. What a tick does is the wall service's.
 */
export class WallLoop {
  readonly #opts: WallLoopOptions;
  #timer: NodeJS.Timeout | undefined;
  #quickTimer: NodeJS.Timeout | undefined;
  #lastQuickAt = 0;
  #running = false;

  constructor(opts: WallLoopOptions) {
    this.#opts = opts;
    opts.onWrite?.subscribe(() => this.#scheduleQuick());
  }

  /** Coalesces writes: one evaluation per `minIntervalMs` at most, the first one at once. */
  #scheduleQuick(): void {
    if (!this.#running || this.#quickTimer || !this.#opts.onWrite) return;
    const wait = Math.max(0, this.#lastQuickAt + this.#opts.onWrite.minIntervalMs - Date.now());
    this.#quickTimer = setTimeout(() => {
      this.#quickTimer = undefined;
      if (!this.#running) return;
      this.#lastQuickAt = Date.now();
      this.#opts.wall.refresh(this.#lastQuickAt);
    }, wait);
  }

  /** Ticks once at once, then every `intervalMs`. */
  start(): void {
    this.#running = true;
    this.#opts.wall.tick(Date.now());
    this.#timer = setInterval(() => this.#opts.wall.tick(Date.now()), this.#opts.intervalMs);
  }

  stop(): void {
    this.#running = false;
    clearInterval(this.#timer);
    clearTimeout(this.#quickTimer);
  }
}
