/** What the gate needs of time; tests pass a fake one. */
export interface GateClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: GateClock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The ingest statements the gate holds. */
export type HeldStatement = 'insert' | 'id_check';

/** Told of every statement the gate held: which kind, and for how long (ms). */
export type HoldListener = (statement: HeldStatement, heldMs: number) => void;

/**
 * Ingest's default: a statement waits at most this long for the reads in flight (STORE_READ_FIRST_MAX_HOLD_MS).
 * Off: the A/B in docs/benchmarks.md (session 9) showed no benefit above the box's noise.
 */
export const DEFAULT_READ_FIRST_MAX_HOLD_MS = 0;

/**
 * Reads first at the store: while a history read (a chart's series, breakdown or
 * comparison) is in flight, ingest's next insert or id check waits before it starts, so
 * the read gets the engine's threads and the box's cores to itself. On this box a chart
 * timed while ingesting took 1–3 s at p99 against 50 ms quiet (docs/benchmarks.md,
 * "History while ingesting"): the inserts and their rollup views took the cores.
 *
 * The wait is bounded per statement (`maxHoldMs`), so under a steady stream of charts
 * ingest still moves: a statement starts when the reads in flight have ended or when it
 * has waited `maxHoldMs`, whichever comes first. 0 turns the gate off. The gate never
 * drops, fails or reorders a statement: it only delays the next one of a connection whose
 * statements are queued in order (statement-queue.ts), and rows held meanwhile stay in
 * ingest's pending count, so its backpressure sees them.
 */
export class ReadFirstGate {
  readonly #clock: GateClock;
  #maxHoldMs: number;
  #reads = 0;
  /** Statements held now (each with its bound's timer), in the order they came: released together when the reads end. */
  readonly #held = new Map<() => void, unknown>();
  readonly #listeners: HoldListener[] = [];

  constructor(opts: { maxHoldMs: number; clock?: GateClock }) {
    this.#maxHoldMs = checkedHold(opts.maxHoldMs);
    this.#clock = opts.clock ?? realClock;
  }

  get maxHoldMs(): number {
    return this.#maxHoldMs;
  }

  /** Changes the bound for statements held from now on (the bench's A/B); 0 (off) also lets the held ones go. */
  setMaxHoldMs(ms: number): void {
    this.#maxHoldMs = checkedHold(ms);
    if (this.#maxHoldMs === 0) this.#releaseAll();
  }

  get readsInFlight(): number {
    return this.#reads;
  }

  onHold(listener: HoldListener): void {
    this.#listeners.push(listener);
  }

  /** Runs a history read, counted as in flight until it settles. */
  async reading<T>(read: () => Promise<T>): Promise<T> {
    this.#reads++;
    try {
      return await read();
    } finally {
      this.#reads--;
      if (this.#reads === 0) this.#releaseAll();
    }
  }

  /** Resolves when an ingest statement may start: at once with no read in flight or the gate off, else when the reads end or at the bound. */
  beforeWrite(statement: HeldStatement): Promise<void> {
    if (this.#reads === 0 || this.#maxHoldMs === 0) return Promise.resolve();
    const started = this.#clock.now();
    return new Promise<void>((resolve) => {
      const release = () => {
        const timer = this.#held.get(release);
        if (!this.#held.delete(release)) return;
        this.#clock.clearTimeout(timer);
        const heldMs = this.#clock.now() - started;
        for (const listener of this.#listeners) listener(statement, heldMs);
        resolve();
      };
      this.#held.set(release, this.#clock.setTimeout(release, this.#maxHoldMs));
    });
  }

  #releaseAll(): void {
    // a Map iterates in insertion order: the statements go in the order they were held
    for (const release of [...this.#held.keys()]) release();
  }
}

function checkedHold(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`read-first max hold must be a number of ms ≥ 0, got ${ms}`);
  return ms;
}
