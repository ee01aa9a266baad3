import { describe, expect, it } from 'vitest';
import { linearFit, mean, median, quantile } from './stats.ts';

describe('quantile', () => {
  const oneTo101 = Array.from({ length: 101 }, (_, i) => 101 - i);
  it.each([
    [0, 1],
    [0.1, 11],
    [0.25, 26],
    [0.5, 51],
    [0.75, 76],
    [0.9, 91],
    [1, 101],
  ])('q%s of 1..101 (unsorted) is %s', (q, v) => expect(quantile(oneTo101, q)).toBe(v));

  it('interpolates between ranks', () => {
    expect(quantile([10, 20], 0.75)).toBe(17.5);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
  });
  it('clamps q and handles one value and none', () => {
    expect(quantile([5, 1], 2)).toBe(5);
    expect(quantile([5, 1], -1)).toBe(1);
    expect(quantile([7], 0.3)).toBe(7);
    expect(quantile([], 0.5)).toBeNull();
  });
  it('does not reorder its input', () => {
    const v = [3, 1, 2];
    quantile(v, 0.5);
    expect(v).toEqual([3, 1, 2]);
  });
});

describe('median and mean', () => {
  it('are the middle and the average', () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(mean([1, 2, 6])).toBe(3);
    expect(median([])).toBeNull();
    expect(mean([])).toBeNull();
  });
});

describe('linearFit', () => {
  it('finds an exact line', () => {
    const fit = linearFit([0, 1, 2, 3].map((x) => ({ x, y: 100 + 10 * x })));
    expect(fit?.slope).toBeCloseTo(10);
    expect(fit?.intercept).toBeCloseTo(100);
    expect(fit?.r2).toBeCloseTo(1);
  });
  it('has r2 0 for a flat series and a low r2 for zig-zag', () => {
    expect(linearFit([0, 1, 2].map((x) => ({ x, y: 4 })))).toEqual({ slope: 0, intercept: 4, r2: 0 });
    expect(linearFit([0, 1, 2, 3].map((x) => ({ x, y: x % 2 === 0 ? 0 : 10 })))?.r2).toBeLessThan(0.3);
  });
  it('is null without two distinct x', () => {
    expect(linearFit([{ x: 1, y: 1 }])).toBeNull();
    expect(
      linearFit([
        { x: 1, y: 1 },
        { x: 1, y: 2 },
      ]),
    ).toBeNull();
  });
});
