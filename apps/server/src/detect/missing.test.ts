import { describe, expect, it } from 'vitest';
import { MISSING_MIN_POINTS, MissingDetector } from './missing.ts';
import { zThreshold } from './score.ts';

const medium = zThreshold('medium');

function feed(d: MissingDetector, values: Array<number | null>): number[] {
  return values.map((v) => {
    const s = d.assess(v).score;
    d.learn(v);
    return s;
  });
}

describe('MissingDetector', () => {
  it('lets one or two lost points pass and flags the third consecutive gap', () => {
    const d = new MissingDetector();
    feed(
      d,
      Array.from({ length: 50 }, () => 5),
    );
    expect(feed(d, [null, 5, 5, null, 5]).every((s) => s < medium)).toBe(true);
    const scores = feed(d, [null, null, null, null]);
    expect(scores[1]).toBeLessThan(medium);
    expect(scores[2]).toBeGreaterThanOrEqual(medium);
    expect(scores[3]).toBeGreaterThan(scores[2] as number);
  });

  it('scores a gap relative to the typical one: a KPI that often skips 2 points flags at 4', () => {
    const d = new MissingDetector();
    for (let k = 0; k < 5; k++) feed(d, [7, 7, 7, 7, 7, 7, 7, 7, null, null]);
    const scores = feed(d, [7, null, null, null, null]);
    expect(scores.slice(0, 4).every((s) => s < medium)).toBe(true);
    expect(scores[4]).toBeGreaterThanOrEqual(medium);
  });

  it('reads zeros of a normally non-zero count as missing, with side down', () => {
    const d = new MissingDetector();
    feed(
      d,
      Array.from({ length: MISSING_MIN_POINTS + 20 }, () => 12),
    );
    feed(d, [0, 0]);
    const a = d.assess(0);
    expect(a.score).toBeGreaterThanOrEqual(medium);
    expect(a.side).toBe(-1);
    expect(d.assess(null).side).toBe(0);
  });

  it('does not flag zeros of a low-volume count that is often 0', () => {
    const d = new MissingDetector();
    const values = Array.from({ length: 400 }, (_, i) => (i % 4 === 0 ? 0 : 1));
    feed(d, values);
    expect(feed(d, [0, 0, 0, 0, 0]).every((s) => s === 0)).toBe(true);
  });

  it('does not learn an outage as typical: the next outage flags as fast', () => {
    const d = new MissingDetector();
    feed(
      d,
      Array.from({ length: 50 }, () => 5),
    );
    feed(
      d,
      Array.from({ length: 30 }, () => null),
    );
    feed(
      d,
      Array.from({ length: 10 }, () => 5),
    );
    expect(feed(d, [null, null, null])[2]).toBeGreaterThanOrEqual(medium);
  });
});
