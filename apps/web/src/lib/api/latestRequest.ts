/**
 * One request of a kind in flight at a time: starting another aborts the older one, and only the
 * newest, once settled, may clear the loading flag (an aborted one must not hide a newer one's).
 */
export class LatestRequest {
  #controller: AbortController | null = null;

  /** Aborts the request in flight; returns the signal of the one starting now. */
  next(): AbortSignal {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    return controller.signal;
  }

  /** Called when a request settles: true when it was still the newest. */
  settled(signal: AbortSignal): boolean {
    if (this.#controller?.signal !== signal) return false;
    this.#controller = null;
    return true;
  }

  abort(): void {
    this.#controller?.abort();
  }
}
