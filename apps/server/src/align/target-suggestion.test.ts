import type { Direction, SeriesPoint } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../demo/generator.ts';
import {
  CONFIDENCE,
  MAX_LOOKBACK_PERIODS,
  confidenceOf,
  suggestTarget,
  withinPeriodDispersion,
  type TargetSuggestionInput,
} from './target-suggestion.ts';

const NOW = Date.parse('2026-10-01T00:00:00Z');
const STEPS = 10;
const STEP_MS = 60_000;
const PERIOD_MS = STEPS * STEP_MS;

/**
 * `periods` periods of `steps` points ending at NOW, oldest first; value(period, i) with
 * period 0 the oldest. Points are labelled by their window's end, as the series query does.
 */
function history(periods: number, value: (period: number, i: number) => number | null, steps = STEPS, stepMs = STEP_MS): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (let p = 0; p < periods; p++) {
    for (let i = 0; i < steps; i++) {
      const ts = NOW - (periods - p) * steps * stepMs + (i + 1) * stepMs;
      out.push([ts, value(p, i)]);
    }
  }
  return out;
}

const suggest = (points: SeriesPoint[], direction: Direction = 'higher_is_better', extra: Partial<TargetSuggestionInput> = {}) =>
  suggestTarget({ points, periodMs: PERIOD_MS, direction, nowMs: NOW, ...extra });

/** Every period holds the values 1..101 in a scrambled order: no trend, known percentiles. */
const scrambled = (_p: number, i: number) => ((i * 37) % 101) + 1;
const NOISE_PERIOD_MS = 101 * STEP_MS;

describe('suggestTarget: levels and trends', () => {
  it('gives a constant series back as maintain and stretch, with high confidence', () => {
    const s = suggest(history(4, () => 50));
    expect(s).toMatchObject({ maintain: 50, stretch: 50, confidence: 'high' });
    expect(s.basis).toMatchObject({ from: NOW - 4 * PERIOD_MS, to: NOW, periods: 4, points: 40 });
    expect(s.explanation).toContain('stretch equals maintain');
  });

  it('continues a trend rising by exactly 10 per period', () => {
    const s = suggest(history(4, (p) => 100 + 10 * p));
    expect(s.maintain).toBe(140);
    expect(s.stretch).toBe(150);
    expect(s.confidence).toBe('high');
    expect(s.explanation).toContain('rising 10 per period');
  });

  it('continues a smooth linear rise of 10 per period', () => {
    // value = 100 + 10 · (periods elapsed), point by point; the last period's median is 135.5
    const s = suggest(history(4, (p, i) => 100 + 10 * (p + (i + 1) / STEPS)));
    expect(s.maintain).toBeCloseTo(145.5, 6);
    expect(s.stretch).toBeCloseTo(155.5, 6);
  });

  it('continues a falling trend when lower is better', () => {
    const s = suggest(
      history(4, (p) => 130 - 10 * p),
      'lower_is_better',
    );
    expect(s).toMatchObject({ maintain: 90, stretch: 80 });
  });

  it.each([
    ['higher_is_better', (p: number) => 130 - 10 * p, 100, 122.5],
    ['lower_is_better', (p: number) => 100 + 10 * p, 130, 107.5],
  ] as const)('%s: a worsening trend is not written into the target', (direction, value, maintain, stretch) => {
    const s = suggest(history(4, value), direction);
    // maintain holds the recent level; stretch is p75 (p25) of all points: 100×10, 110×10, 120×10, 130×10
    expect(s).toMatchObject({ maintain, stretch });
    expect(s.explanation).toContain('worsening');
  });

  it('ignores a trend the line does not explain', () => {
    const s = suggest(history(4, (p) => (p % 2 === 0 ? 100 : 140)));
    expect(s.maintain).toBe(140); // the recent period's median, not the line (slope 8, R² 0.2)
    expect(s.explanation).toContain('no clear trend');
    expect(s.basis.method).toContain('not significant');
  });

  it('needs three periods for a trend', () => {
    const s = suggest(history(2, (p) => 100 + 10 * p));
    expect(s.maintain).toBe(110);
    expect(s.explanation).toContain('too few periods');
  });
});

describe('suggestTarget: percentiles', () => {
  const noise = history(4, scrambled, 101);
  it('stretches to the p75 of all points when higher is better', () => {
    const s = suggest(noise, 'higher_is_better', { periodMs: NOISE_PERIOD_MS });
    expect(s).toMatchObject({ maintain: 51, stretch: 76, confidence: 'low' });
    expect(s.basis.points).toBe(404);
    expect(s.explanation).toContain('p75');
  });

  it('stretches to the p25 when lower is better', () => {
    expect(suggest(noise, 'lower_is_better', { periodMs: NOISE_PERIOD_MS })).toMatchObject({ maintain: 51, stretch: 26 });
  });

  it('gives the central band for within_range', () => {
    const s = suggest(noise, 'within_range', { periodMs: NOISE_PERIOD_MS });
    expect(s).toMatchObject({ maintain: 51, stretch: 51, low: 11, high: 91, stretchLow: 26, stretchHigh: 76 });
    expect(s.explanation).toContain('11-91');
  });

  it('never suggests a stretch worse than maintain', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rng = seededRng(seed);
      const drift = (rng() - 0.5) * 40;
      const points = history(2 + (seed % 5), (p) => (rng() < 0.1 ? null : 100 + drift * p + (rng() - 0.5) * 60));
      const up = suggest(points, 'higher_is_better');
      const down = suggest(points, 'lower_is_better');
      expect(up.stretch as number).toBeGreaterThanOrEqual(up.maintain as number);
      expect(down.stretch as number).toBeLessThanOrEqual(down.maintain as number);
    }
  });
});

describe('suggestTarget: confidence', () => {
  it.each([
    ['4 clean periods', history(4, () => 50), 'high'],
    ['8 clean periods', history(8, () => 50), 'high'],
    ['3 clean periods', history(3, () => 50), 'medium'],
    ['2 clean periods', history(2, () => 50), 'medium'],
    ['1 clean period', history(1, () => 50), 'low'],
    ['4 periods, 20 % gaps', history(4, (_p, i) => (i % 5 === 0 ? null : 50)), 'medium'],
    ['4 periods, 40 % gaps', history(4, (_p, i) => (i % 5 < 2 ? null : 50)), 'low'],
    ['4 periods, dispersion 0.3', history(4, (_p, i) => (i % 2 === 0 ? 70 : 130)), 'medium'],
    ['4 periods, dispersion 0.6', history(4, (_p, i) => (i % 2 === 0 ? 40 : 160)), 'low'],
  ] as const)('%s → %s', (_what, points, confidence) => {
    expect(suggest(points).confidence).toBe(confidence);
  });

  it('counts gaps inside the history, not the nulls before it starts', () => {
    const s = suggest(history(4, (p) => (p < 2 ? null : 50)));
    expect(s).toMatchObject({ maintain: 50, confidence: 'medium' });
    expect(s.basis).toMatchObject({ periods: 2, points: 20, from: NOW - 2 * PERIOD_MS });
  });

  it('leaves out a period less than half covered', () => {
    // history starts 3 steps before the end of the oldest of 4 periods
    const s = suggest(history(4, (p, i) => (p === 0 && i < 7 ? null : 50)));
    expect(s.basis).toMatchObject({ periods: 3, points: 30 });
  });

  it('looks back at most MAX_LOOKBACK_PERIODS periods', () => {
    const s = suggest(history(MAX_LOOKBACK_PERIODS + 4, (p) => (p < 4 ? 1000 : 50)));
    expect(s.basis.periods).toBe(MAX_LOOKBACK_PERIODS);
    expect(s.stretch).toBe(50);
  });

  it('confidenceOf applies each bound', () => {
    const h = CONFIDENCE.high;
    expect(confidenceOf(h.minPeriods, h.maxGapShare, h.maxDispersion)).toBe('high');
    expect(confidenceOf(h.minPeriods - 1, 0, 0)).toBe('medium');
    expect(confidenceOf(h.minPeriods, h.maxGapShare + 0.01, 0)).toBe('medium');
    expect(confidenceOf(h.minPeriods, 0, h.maxDispersion + 0.01)).toBe('medium');
    expect(confidenceOf(CONFIDENCE.medium.minPeriods - 1, 0, 0)).toBe('low');
  });

  it('withinPeriodDispersion takes the trend out and survives a zero mean', () => {
    expect(
      withinPeriodDispersion([
        { values: [10, 10], median: 10 },
        { values: [90, 90], median: 90 },
      ]),
    ).toBe(0);
    expect(withinPeriodDispersion([{ values: [90, 110], median: 100 }])).toBeCloseTo(0.1);
    expect(withinPeriodDispersion([{ values: [-1, 1], median: 0 }])).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('suggestTarget: too little history', () => {
  it.each([
    ['no points', [] as SeriesPoint[]],
    ['only gaps', history(4, () => null)],
    ['two values', history(1, (_p, i) => (i < 2 ? 5 : null), 2)],
    [
      'only points after now',
      [
        [NOW + 1, 5],
        [NOW + 2, 5],
        [NOW + 3, 5],
      ] as SeriesPoint[],
    ],
    ['only points before the look-back', history(MAX_LOOKBACK_PERIODS + 2, (p) => (p < 2 ? 5 : null))],
  ])('%s → nulls, low confidence and why', (_what, points) => {
    const s = suggest(points);
    expect(s).toMatchObject({ maintain: null, stretch: null, confidence: 'low' });
    expect(s.explanation).toMatch(/^Too little history/);
  });

  it('rejects a period that is not positive', () => {
    expect(() =>
      suggest(
        history(4, () => 1),
        'higher_is_better',
        { periodMs: 0 },
      ),
    ).toThrow(RangeError);
    expect(() =>
      suggest(
        history(4, () => 1),
        'higher_is_better',
        { periodMs: Number.NaN },
      ),
    ).toThrow(RangeError);
  });
});

describe('suggestTarget: input handling', () => {
  it('counts a point at now and ignores points after it', () => {
    const points = history(4, () => 50);
    const s = suggest([...points, [NOW + STEP_MS, 1e6]]);
    expect(s).toMatchObject({ maintain: 50, stretch: 50 });
    expect(points.at(-1)?.[0]).toBe(NOW);
  });

  it('does not depend on input order', () => {
    const points = history(4, (p, i) => 100 + 10 * p + i);
    expect(suggest([...points].reverse())).toEqual(suggest(points));
  });

  it('rounds float noise away', () => {
    expect(suggest(history(4, () => 0.1 + 0.2)).maintain).toBe(0.3);
  });
});
