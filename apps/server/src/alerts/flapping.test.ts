import { describe, expect, it } from 'vitest';
import { FLAP_STABLE_MS, FLAP_START_CHANGES, FLAP_WINDOW_MS, isEpisodeBoundary, updateFlapping, type FlapState } from './flapping.ts';

const MIN = 60_000;

/** Feeds a sequence of episode starts (firingSince) and ends (null), one per `everyMs`. */
function run(steps: Array<number | null>, everyMs: number, start = 0) {
  let flap: FlapState | undefined;
  let before: { firingSince: number | null } | undefined;
  const changes: Array<'started' | 'stopped'> = [];
  steps.forEach((firingSince, i) => {
    const after = { firingSince };
    const r = updateFlapping(flap, before, after, start + i * everyMs);
    flap = r.next;
    before = after;
    if (r.changed) changes.push(r.changed);
  });
  return { flap, changes };
}

/** n fire/resolve cycles: firingSince set, then null. */
const cycles = (n: number) => Array.from({ length: n * 2 }, (_, i) => (i % 2 === 0 ? i + 1 : null));

describe('episode boundaries', () => {
  it('a new firingSince starts one, null ends one; Recovering and NoData keep it', () => {
    expect(isEpisodeBoundary(undefined, { firingSince: 5 })).toBe(true);
    expect(isEpisodeBoundary({ firingSince: 5 }, { firingSince: null })).toBe(true);
    expect(isEpisodeBoundary({ firingSince: 5 }, { firingSince: 5 })).toBe(false);
    expect(isEpisodeBoundary({ firingSince: null }, { firingSince: null })).toBe(false);
  });
});

describe('flapping', () => {
  it(`starts at ${FLAP_START_CHANGES} boundaries within the window`, () => {
    const { flap, changes } = run(cycles(FLAP_START_CHANGES / 2), 5 * MIN);
    expect(flap?.flapping).toBe(true);
    expect(changes).toEqual(['started']);
  });
  it('one fewer boundary is not flapping', () => {
    expect(run(cycles(FLAP_START_CHANGES / 2).slice(0, -1), 5 * MIN).flap?.flapping).toBe(false);
  });
  it('the same boundaries spread beyond the window are not flapping', () => {
    const every = FLAP_WINDOW_MS / (FLAP_START_CHANGES - 1);
    expect(run(cycles(FLAP_START_CHANGES / 2), every).flap?.flapping).toBe(false);
  });
  it(`stops after ${FLAP_STABLE_MS / MIN} minutes without a boundary, evaluated even when nothing changes`, () => {
    const { flap } = run(cycles(FLAP_START_CHANGES / 2), MIN);
    const lastAt = (FLAP_START_CHANGES - 1) * MIN;
    const still = updateFlapping(flap, { firingSince: null }, { firingSince: null }, lastAt + FLAP_STABLE_MS - 1);
    expect(still).toMatchObject({ next: { flapping: true }, changed: null });
    const stable = updateFlapping(still.next, { firingSince: null }, { firingSince: null }, lastAt + FLAP_STABLE_MS);
    expect(stable).toMatchObject({ next: { flapping: false }, changed: 'stopped' });
  });
  it('keeps only the boundaries within the window', () => {
    const { flap } = run(cycles(2), MIN);
    const later = updateFlapping(flap, { firingSince: null }, { firingSince: null }, 3 * MIN + FLAP_WINDOW_MS);
    expect(later.next.changes).toEqual([]);
  });
});
