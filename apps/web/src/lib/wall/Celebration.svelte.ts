import type { Milestone } from '@northstar/shared';
import { NO_CELEBRATION, dismissMilestone, offerMilestone, type CelebrationState } from './milestones.ts';

/** Long enough to read from across the room, short enough not to cover the wall for long. */
export const BANNER_MS = 8_000;
/** Per browser session, so a reload mid-celebration does not repeat it but tomorrow's TV session starts clean. */
const SEEN_KEY = 'northstar.milestones.seen';

function loadSeen(storage: Storage | undefined): Set<string> {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(SEEN_KEY) ?? '[]');
    return new Set(Array.isArray(raw) ? raw.filter((k): k is string => typeof k === 'string') : []);
  } catch {
    return new Set();
  }
}

/** The wall's milestone banner: which one shows, for how long, and which were already celebrated. */
export class Celebration {
  #state = $state.raw<CelebrationState>(NO_CELEBRATION);
  readonly current = $derived(this.#state.current);
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #storage: Storage | undefined;

  constructor(storage: Storage | undefined = globalThis.sessionStorage) {
    this.#storage = storage;
    this.#state = { ...NO_CELEBRATION, seen: loadSeen(storage) };
  }

  offer(m: Milestone): void {
    const before = this.#state;
    this.#state = offerMilestone(before, m);
    if (this.#state.seen !== before.seen) this.#save();
    if (before.current === null && this.#state.current !== null) this.#arm();
  }

  dismiss = (): void => {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#state = dismissMilestone(this.#state);
    if (this.#state.current !== null) this.#arm();
  };

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(this.dismiss, BANNER_MS);
  }

  #save(): void {
    try {
      this.#storage?.setItem(SEEN_KEY, JSON.stringify([...this.#state.seen]));
    } catch {
      // Storage full or disabled: celebrations still run once per page load.
    }
  }
}
