/** After the alarm, each further point of the episode may score at most this share of the previous cap. */
export const EPISODE_DECAY = 0.5;
/** An episode ends once the raw score stayed under QUIET_SHARE of the threshold for this many points in a row. */
export const EPISODE_QUIET_POINTS = 6;
export const EPISODE_QUIET_SHARE = 0.5;

export interface EpisodeOutput {
  /** The score shown: the raw score at the alarm, then capped by a decaying ceiling. */
  score: number;
  /** The episode's peak raw score while it lasts (held, for "n of m" alert rules), else null. */
  held: number | null;
  /** This point raised the episode's only alarm. */
  alarm: boolean;
}

/**
 * One alarm per episode: the first point over the threshold alarms; after it, the shown
 * score is capped by peak · EPISODE_DECAY^k, so one incident gives one flagged point,
 * until the raw score has been quiet for EPISODE_QUIET_POINTS. Alert rules read `held`,
 * which stays at the peak for the whole episode, so an incident is one alert, not a
 * flapping run of them.
 */
export class EpisodeTracker {
  #active = false;
  #peak = 0;
  #cap = 0;
  #quiet = 0;

  get active(): boolean {
    return this.#active;
  }

  /** What `raw` shows as; `commit` false previews without changing the state (a re-sent point). */
  step(raw: number, threshold: number, commit: boolean): EpisodeOutput {
    if (!this.#active) {
      const alarm = raw >= threshold && raw > 0;
      if (alarm && commit) {
        this.#active = true;
        this.#peak = raw;
        this.#cap = raw;
        this.#quiet = 0;
      }
      return { score: raw, held: alarm ? raw : null, alarm };
    }
    const cap = this.#cap * EPISODE_DECAY;
    const peak = Math.max(this.#peak, raw);
    const quiet = raw < EPISODE_QUIET_SHARE * threshold ? this.#quiet + 1 : 0;
    const ends = quiet >= EPISODE_QUIET_POINTS;
    if (commit) {
      this.#cap = cap;
      this.#peak = peak;
      this.#quiet = quiet;
      if (ends) this.#active = false;
    }
    return { score: Math.min(raw, cap), held: ends ? null : peak, alarm: false };
  }
}
