/**
 * Flapping: an alert that keeps starting and resolving. `keepFiringFor` absorbs a value
 * hovering at the threshold within minutes; this catches what gets past it, an alert
 * that fires and resolves again and again over an hour. While flapping, the alert is
 * shown as flapping and notifications are replaced by one "flapping" notice (see
 * Dispatcher). Pure: the shell keeps a FlapState per alert and feeds it every transition.
 */

/** The window the episode boundaries are counted in. */
export const FLAP_WINDOW_MS = 60 * 60_000;
/** Three fire/resolve cycles within the window (six boundaries) is flapping, not news. */
export const FLAP_START_CHANGES = 6;
/** Stable again after this long without a boundary; long enough that one more cycle does not restart the stream. */
export const FLAP_STABLE_MS = 30 * 60_000;

export interface FlapState {
  /** Epoch ms of the episode boundaries (fire, resolve) within FLAP_WINDOW_MS, oldest first. */
  changes: number[];
  flapping: boolean;
}

export interface FlapResult {
  next: FlapState;
  /** Set on the evaluation where flapping starts or stops. */
  changed: 'started' | 'stopped' | null;
}

export interface FlapOptions {
  windowMs: number;
  startChanges: number;
  stableMs: number;
}

export const DEFAULT_FLAP_OPTIONS: FlapOptions = { windowMs: FLAP_WINDOW_MS, startChanges: FLAP_START_CHANGES, stableMs: FLAP_STABLE_MS };

/** What the flap detector reads of an alert's runtime state (AlertRuntimeState and Alert both have it). */
export interface Episode {
  firingSince: number | null;
}

/**
 * An episode boundary: the alert starts firing (a new `firingSince`), or stops (it goes
 * to null). Alerting ↔ Recovering is not one (that is the hysteresis doing its job), nor
 * are Pending, NoData and Error, which keep or never set the episode.
 */
export function isEpisodeBoundary(before: Episode | undefined, after: Episode): boolean {
  const was = before?.firingSince ?? null;
  return was !== after.firingSince;
}

/**
 * Call on every evaluation with the runtime state before and after the step: stopping
 * needs the clock to move even when nothing changes.
 */
export function updateFlapping(
  prev: FlapState | undefined,
  before: Episode | undefined,
  after: Episode,
  nowMs: number,
  options: FlapOptions = DEFAULT_FLAP_OPTIONS,
): FlapResult {
  const changes = (prev?.changes ?? []).filter((t) => nowMs - t < options.windowMs);
  if (isEpisodeBoundary(before, after)) changes.push(nowMs);
  const was = prev?.flapping ?? false;
  const last = changes.at(-1);
  let flapping = was;
  if (!was && changes.length >= options.startChanges) flapping = true;
  else if (was && (last === undefined || nowMs - last >= options.stableMs)) flapping = false;
  return { next: { changes, flapping }, changed: flapping === was ? null : flapping ? 'started' : 'stopped' };
}
