import { describe, expect, it } from 'vitest';
import { seededRng } from '../demo/generator.ts';
import { backtest } from './backtest.ts';
import { KpiDetector, defaultAnomalyDirection, isWatched } from './ensemble.ts';

const STEP = 15 * 60_000;
const T0 = Date.UTC(2025, 0, 6);

/** A quiet non-count series: 100 ± 2. */
function quiet(n: number, seed = 1): Array<{ ts: number; value: number | null }> {
  const rng = seededRng(seed);
  return Array.from({ length: n }, (_, i) => ({ ts: T0 + i * STEP, value: 100 + 4 * (rng() - 0.5) }));
}

describe('direction', () => {
  it('defaults to the bad way of the KPI', () => {
    expect(defaultAnomalyDirection('higher_is_better')).toBe('down');
    expect(defaultAnomalyDirection('lower_is_better')).toBe('up');
    expect(defaultAnomalyDirection('within_range')).toBe('both');
  });

  it('lets a gap count whichever way is watched', () => {
    expect(isWatched('up', 0)).toBe(true);
    expect(isWatched('up', -1)).toBe(false);
    expect(isWatched('down', -1)).toBe(true);
    expect(isWatched('both', 1)).toBe(true);
  });

  it('flags only deviations the watched way', () => {
    const series = quiet(200);
    const spikeUp = { ts: T0 + 200 * STEP, value: 200 };
    const spikeDown = { ts: T0 + 200 * STEP, value: 0.5 };
    const run = (direction: 'higher_is_better' | 'lower_is_better', p: { ts: number; value: number }) =>
      backtest([...series, p], {}, { direction, timezone: 'UTC' }).at(-1);
    expect(run('higher_is_better', spikeUp)?.flag).toBe(false);
    expect(run('higher_is_better', spikeUp)?.score).toBe(0);
    expect(run('higher_is_better', spikeDown)?.flag).toBe(true);
    expect(run('lower_is_better', spikeUp)?.flag).toBe(true);
    expect(run('lower_is_better', spikeDown)?.flag).toBe(false);
    const both = backtest([...series, spikeUp], { direction: 'both' }, { direction: 'higher_is_better', timezone: 'UTC' }).at(-1);
    expect(both?.flag).toBe(true);
  });
});

describe('KpiDetector', () => {
  it('says nothing while warming up: score 0, no band, no detector', () => {
    const [first] = backtest(quiet(1), {}, { direction: 'within_range', timezone: 'UTC' });
    expect(first).toMatchObject({ score: 0, lower: null, upper: null, flag: false, detector: null });
  });

  it('scores a quiet series 0 with a band around it, and flags a spike with the band it escaped', () => {
    const points = backtest([...quiet(300), { ts: T0 + 300 * STEP, value: 160 }], {}, { direction: 'within_range', timezone: 'UTC' });
    const quietFlags = points.slice(0, 300).filter((p) => p.flag);
    expect(quietFlags).toEqual([]);
    const last = points.at(-1)!;
    expect(last.flag).toBe(true);
    expect(last.upper as number).toBeLessThan(160);
    expect(last.lower as number).toBeGreaterThan(80);
    expect(last.detector).toMatch(/robust|holt|seasonal|level_shift/);
  });

  it('reports an outage as missing data', () => {
    const series = quiet(100);
    for (let i = 0; i < 3; i++) series.push({ ts: T0 + (100 + i) * STEP, value: null });
    const last = backtest(series, {}, { direction: 'higher_is_better', timezone: 'UTC' }).at(-1)!;
    expect(last).toMatchObject({ flag: true, detector: 'missing', value: null });
  });

  it('uses only the listed detectors, and flags nothing when disabled', () => {
    const series = [...quiet(300), { ts: T0 + 300 * STEP, value: 160 }];
    const onlyMissing = backtest(series, { detectors: ['missing'] }, { direction: 'within_range', timezone: 'UTC' }).at(-1)!;
    expect(onlyMissing.flag).toBe(false);
    expect(onlyMissing.lower).toBeNull();
    const onlyRobust = backtest(series, { detectors: ['robust'] }, { direction: 'within_range', timezone: 'UTC' }).at(-1)!;
    expect(onlyRobust).toMatchObject({ flag: true, detector: 'robust' });
    // level shift alone still has a forecast to measure a shift against, and flags one
    const shifted = quiet(400).map((p, i) => (i >= 300 ? { ...p, value: (p.value as number) + 12 } : p));
    const levelOnly = backtest(shifted, { detectors: ['level_shift'] }, { direction: 'within_range', timezone: 'UTC' });
    expect(levelOnly.slice(300, 320).filter((p) => p.flag)).toEqual([expect.objectContaining({ detector: 'level_shift' })]);
    expect(levelOnly.slice(200, 300).filter((p) => p.flag)).toEqual([]);
    const disabled = backtest(series, { enabled: false }, { direction: 'within_range', timezone: 'UTC' }).at(-1)!;
    expect(disabled.flag).toBe(false);
    expect(disabled.score).toBe(0);
  });

  it('flags more at high sensitivity than at low', () => {
    // bumps of graded size (2–7 sigmas) every 25 points: the calibrated thresholds cut them at different sizes
    const rng = seededRng(5);
    const series = quiet(1500).map((p, i) => (i > 200 && i % 25 === 0 ? { ...p, value: 100 + 2.3 * (2 + 5 * rng()) } : p));
    const count = (sensitivity: 'low' | 'medium' | 'high') =>
      backtest(series, { sensitivity }, { direction: 'within_range', timezone: 'UTC' }).filter((p) => p.flag).length;
    expect(count('high')).toBeGreaterThan(count('low'));
    expect(count('medium')).toBeGreaterThanOrEqual(count('low'));
  });

  it('does not learn intervals marked expected, but still scores them', () => {
    const before = quiet(200);
    const campaign = Array.from({ length: 60 }, (_, i) => ({ ts: T0 + (200 + i) * STEP, value: 300 + (i % 3) }));
    const after = { ts: T0 + 260 * STEP, value: 100 };
    const series = [...before, ...campaign, after];
    const excluded: Array<[number, number]> = [[T0 + 200 * STEP, T0 + 260 * STEP]];
    const withExclusion = backtest(series, {}, { direction: 'within_range', timezone: 'UTC', excluded });
    const without = backtest(series, {}, { direction: 'within_range', timezone: 'UTC' });
    // the campaign is scored either way
    expect(withExclusion[200]?.flag).toBe(true);
    // not learned: the campaign stays one anomalous episode to its end (one alarm, held), and 100 afterwards is ordinary again
    const threshold = new KpiDetector({}, { direction: 'within_range', timezone: 'UTC' }).threshold;
    expect(withExclusion.slice(200, 260).every((p) => (p.held ?? 0) >= threshold)).toBe(true);
    expect(withExclusion.slice(200, 260).filter((p) => p.flag)).toHaveLength(1);
    expect(withExclusion.at(-1)?.flag).toBe(false);
    expect((withExclusion.at(-1)?.upper as number) < 120).toBe(true);
    // learned: the baseline moved up to the campaign's level, so the episode ended within the campaign
    expect(without.slice(200, 260).every((p) => (p.held ?? 0) >= threshold)).toBe(false);
    expect(without.at(-1)?.flag).toBe(true);
  });

  it('exclude() on a live detector has the same effect as backtest(excluded)', () => {
    const series = quiet(150).map((p, i) => (i >= 100 && i < 120 ? { ...p, value: 500 } : p));
    const live = new KpiDetector({}, { direction: 'within_range', timezone: 'Europe/Berlin' });
    live.exclude(T0 + 100 * STEP, T0 + 120 * STEP);
    const livePoints = series.map((p) => live.update(p.ts, p.value));
    expect(
      backtest(series, {}, { direction: 'within_range', timezone: 'Europe/Berlin', excluded: [[T0 + 100 * STEP, T0 + 120 * STEP]] }),
    ).toEqual(livePoints);
  });
});

describe('backtest', () => {
  it('agrees with the live path point by point (same class, same order)', () => {
    const rng = seededRng(9);
    const series = Array.from({ length: 24 * 4 * 10 }, (_, i) => ({
      ts: T0 + i * STEP,
      value: i % 97 === 0 ? null : 100 + 50 * Math.sin((2 * Math.PI * i) / 96) + 5 * rng() + (i === 800 ? 80 : 0),
    }));
    const live = new KpiDetector({ sensitivity: 'high' }, { direction: 'lower_is_better', timezone: 'America/New_York' });
    const livePoints = series.map((p) => live.update(p.ts, p.value));
    const replay = backtest(series, { sensitivity: 'high' }, { direction: 'lower_is_better', timezone: 'America/New_York' });
    expect(replay).toEqual(livePoints);
    expect(replay[800]?.flag).toBe(true);
  });

  it('sorts an unordered series and is pure (same input, same output)', () => {
    const series = quiet(50);
    const shuffled = [...series].reverse();
    const a = backtest(shuffled, {}, { direction: 'within_range', timezone: 'UTC' });
    expect(a.map((p) => p.ts)).toEqual(series.map((p) => p.ts));
    expect(backtest(series, {}, { direction: 'within_range', timezone: 'UTC' })).toEqual(a);
    expect(shuffled[0]?.ts).toBe(series.at(-1)?.ts);
  });

  it('scores a re-sent point without learning it twice', () => {
    const d = new KpiDetector({}, { direction: 'within_range', timezone: 'UTC' });
    const series = quiet(200);
    for (const p of series) d.update(p.ts, p.value);
    const last = series.at(-1)!;
    const again = d.update(last.ts, 1000);
    expect(again.flag).toBe(true);
    expect(d.update(last.ts + STEP, 100).flag).toBe(false);
  });
});
