import { BackpressureError } from './batch-writer.ts';

/**
 * What the owner of an event's partition did with it (issue 17): HTTP events that carry an id
 * go through the events topic keyed by their identity, and the instance that took the request
 * waits for these to answer `{accepted, rejected, duplicates}` as if it had written them.
 */
export type Verdict = { outcome: 'stored' } | { outcome: 'duplicate' } | { outcome: 'refused'; reason: string };

/** One request's verdicts from one batch, by the event's index in what the request forwarded. */
export interface VerdictReply {
  /** The instance waiting (its reply address). */
  instance: string;
  request: string;
  stored: number[];
  duplicate: number[];
  refused: Array<{ index: number; reason: string }>;
}

/** No verdict in time (or the server stopping first): some events may be stored; a retry is safe, their ids make it idempotent. */
export class VerdictTimeoutError extends Error {
  override readonly name = 'VerdictTimeoutError';
}

/** Kafka did not take the events: nothing of them is stored. */
export class ForwardError extends Error {
  override readonly name = 'ForwardError';
}

interface Waiting {
  verdicts: Array<Verdict | undefined>;
  missing: number;
  resolve: (verdicts: Verdict[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export interface PendingVerdictsOptions {
  /** Events waiting for a verdict, across requests: past it, a request is answered busy (503). */
  maxWaitingEvents: number;
  timeoutMs: number;
  onTimeout: () => void;
}

/**
 * The requests of this instance waiting for verdicts: bounded in events, each with a
 * deadline. A verdict arriving twice (a batch redelivered after a rebalance) or for a
 * request no longer waiting (timed out, or from before a restart) is ignored.
 */
export class PendingVerdicts {
  readonly #opts: PendingVerdictsOptions;
  readonly #waiting = new Map<string, Waiting>();
  #events = 0;
  #next = 0;

  constructor(opts: PendingVerdictsOptions) {
    this.#opts = opts;
  }

  get waitingEvents(): number {
    return this.#events;
  }

  /** A new request waiting for `count` verdicts: its id, and the verdicts once all are in (in index order). */
  open(count: number): { request: string; verdicts: Promise<Verdict[]> } {
    if (this.#events > 0 && this.#events + count > this.#opts.maxWaitingEvents) {
      throw new BackpressureError(
        `${this.#events} events are waiting for the verdict of the instance that owns their partition; retry after Retry-After`,
      );
    }
    const request = (this.#next++).toString(36);
    let waiting!: Waiting;
    const verdicts = new Promise<Verdict[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#opts.onTimeout();
        this.#end(request, waiting);
        reject(
          new VerdictTimeoutError(
            `the events with an id went to Kafka, but no verdict on them came back within ${this.#opts.timeoutMs} ms ` +
              '(the instance that owns their partition is rebalancing, stopped or slow); some may be stored: retrying the request is safe, an event with an id is stored once',
          ),
        );
      }, this.#opts.timeoutMs);
      waiting = { verdicts: new Array<Verdict | undefined>(count), missing: count, resolve, reject, timer };
    });
    // answered by the caller once it has sent the events; a timeout before then must not be an unhandled rejection
    verdicts.catch(() => undefined);
    this.#waiting.set(request, waiting);
    this.#events += count;
    return { request, verdicts };
  }

  /** Verdicts for a request; resolves it once every index has one. */
  settle(reply: Pick<VerdictReply, 'request' | 'stored' | 'duplicate' | 'refused'>): void {
    const w = this.#waiting.get(reply.request);
    if (!w) return;
    const set = (index: number, verdict: Verdict) => {
      if (!Number.isInteger(index) || index < 0 || index >= w.verdicts.length || w.verdicts[index]) return;
      w.verdicts[index] = verdict;
      w.missing--;
    };
    for (const i of reply.stored) set(i, { outcome: 'stored' });
    for (const i of reply.duplicate) set(i, { outcome: 'duplicate' });
    for (const r of reply.refused) set(r.index, { outcome: 'refused', reason: r.reason });
    if (w.missing > 0) return;
    this.#end(reply.request, w);
    w.resolve(w.verdicts as Verdict[]);
  }

  /** The request's events could not be sent: it waits no longer. */
  fail(request: string, err: Error): void {
    const w = this.#waiting.get(request);
    if (!w) return;
    this.#end(request, w);
    w.reject(err);
  }

  /** Shutdown: every waiting request ends with `err`. */
  close(err: Error): void {
    for (const request of [...this.#waiting.keys()]) this.fail(request, err);
  }

  #end(request: string, w: Waiting): void {
    if (this.#waiting.get(request) !== w) return;
    clearTimeout(w.timer);
    this.#waiting.delete(request);
    this.#events -= w.verdicts.length;
  }
}
