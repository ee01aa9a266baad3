import { describe, expect, it } from 'vitest';
import { anomalyTitle, computeTrend, freshnessText, isStale, projectionText, statusWord, targetText } from './tileView.ts';

const STALE_AFTER_MS = 60_000;

describe('computeTrend', () => {
  it('is good when a higher-is-better KPI goes up', () => {
    expect(computeTrend(110, 100, 'higher_is_better')).toEqual({ movement: 'up', good: true, changePct: 10 });
    expect(computeTrend(90, 100, 'higher_is_better')).toEqual({ movement: 'down', good: false, changePct: -10 });
  });

  it('is good when a lower-is-better KPI goes down', () => {
    expect(computeTrend(300, 400, 'lower_is_better')).toEqual({ movement: 'down', good: true, changePct: -25 });
    expect(computeTrend(500, 400, 'lower_is_better')?.good).toBe(false);
  });

  it('is flat for no or negligible change', () => {
    expect(computeTrend(100, 100, 'higher_is_better')).toEqual({ movement: 'flat', good: null, changePct: 0 });
    expect(computeTrend(100.01, 100, 'higher_is_better')?.movement).toBe('flat');
  });

  it('has no percentage when the previous window was zero', () => {
    expect(computeTrend(5, 0, 'higher_is_better')).toEqual({ movement: 'up', good: true, changePct: null });
  });

  it('is null without both windows', () => {
    expect(computeTrend(null, 100, 'higher_is_better')).toBeNull();
    expect(computeTrend(100, null, 'higher_is_better')).toBeNull();
  });
});

describe('isStale', () => {
  it('is stale only past the threshold', () => {
    expect(isStale(null, 1e12, STALE_AFTER_MS)).toBe(false);
    expect(isStale(1_000, 1_000 + STALE_AFTER_MS, STALE_AFTER_MS)).toBe(false);
    expect(isStale(1_000, 1_001 + STALE_AFTER_MS, STALE_AFTER_MS)).toBe(true);
  });
});

describe('targetText', () => {
  const state = { target: 120_000, targetLow: null, targetHigh: null, expected: null, period: null };

  it('shows the target with its direction', () => {
    expect(targetText({ direction: 'higher_is_better', unit: '' }, state).text).toBe('of 120k');
    expect(targetText({ direction: 'lower_is_better', unit: 'ms' }, { ...state, target: 300 }).text).toBe('target 300 ms');
  });

  it('shows a within_range band as "95–99 %"', () => {
    const t = targetText(
      { direction: 'within_range', unit: '%' },
      { ...state, target: null, targetLow: 95, targetHigh: 99, period: '2026-Q4' },
    );
    expect(t.text).toBe('in 95–99 %');
    expect(t.title).toContain('2026-Q4');
  });

  it('says "no target" without one', () => {
    expect(targetText({ direction: 'higher_is_better', unit: '' }, { ...state, target: null })).toMatchObject({
      text: 'no target',
      expected: null,
    });
  });

  it('shows where a paced target should be by now', () => {
    const paced = targetText({ direction: 'higher_is_better', unit: '' }, { ...state, expected: 40_000 });
    expect(paced.expected).toBe('40k expected by now');
    // the period target is named as a target, so its percent cannot be read as the paced one
    expect(paced.text).toBe('of 120k target');
    expect(targetText({ direction: 'higher_is_better', unit: '' }, state).expected).toBeNull();
  });
});

describe('computeTrend within a range', () => {
  it('colours no movement as good or bad', () => {
    expect(computeTrend(110, 100, 'within_range')).toEqual({ movement: 'up', good: null, changePct: 10 });
  });
});

describe('anomalyTitle', () => {
  it('gives the score, the expected band in the unit and the detector', () => {
    expect(anomalyTitle({ score: 0.934, lower: 200, upper: 400, detector: 'level_shift' }, 'ms')).toBe(
      'Anomaly score 0.93; expected 200–400 ms (level shift)',
    );
    expect(anomalyTitle({ score: 1, lower: null, upper: null, detector: null }, '')).toBe('Anomaly score 1.00');
  });
});

describe('projectionText', () => {
  const endMs = Date.UTC(2027, 0, 1); // December's end (exclusive), in UTC
  const p = { value: 1_200_000, low: 1_100_000, high: 1_300_000, endMs, status: 'at_risk' as const };

  it('says the projected value, its band and the period’s last day in the KPI’s zone', () => {
    expect(projectionText(p, '', 'UTC')?.text).toBe('Projected 1.2M (1.1M–1.3M) by 31 Dec');
    // the day is read in the KPI's zone: the last instant before 1 Jan UTC is already 1 Jan in Tokyo
    expect(projectionText(p, '', 'Asia/Tokyo')?.text).toMatch(/by 1 Jan$/);
    expect(projectionText(p, '', 'UTC')?.title).toMatch(/^At risk:/);
  });

  it('is null without a projection', () => {
    expect(projectionText(null, '', 'UTC')).toBeNull();
    expect(projectionText(undefined, 'ms', 'UTC')).toBeNull();
  });
});

describe('a KPI whose history is still loading (state.catchingUp)', () => {
  const NOW = Date.parse('2026-12-07T10:00:00Z');
  const early = NOW - 2 * 3_600_000;
  it('says "Loading history", not "No data", and is not stale', () => {
    expect(statusWord('no_data', true)).toBe('Loading history');
    expect(statusWord('no_data', false)).toBe('No data');
    expect(statusWord('off_track', true)).toBe('Off track');
    expect(freshnessText({ lastEventTs: early, catchingUp: true }, NOW, STALE_AFTER_MS)).toMatch(/^loading history, at /);
    expect(freshnessText({ lastEventTs: early }, NOW, STALE_AFTER_MS)).toMatch(/^stale since /);
    expect(freshnessText({ lastEventTs: NOW - 4000 }, NOW, STALE_AFTER_MS)).toBe('updated 4 s ago');
  });
});

describe('targetText keeps a figure with its unit', () => {
  const state = { target: 300, targetLow: null, targetHigh: null, expected: null, period: null };
  it('splits the line into words, the figure with its unit, and words', () => {
    expect(targetText({ direction: 'lower_is_better', unit: 'ms' }, state)).toMatchObject({ lead: 'target ', amount: '300 ms', tail: '' });
    expect(targetText({ direction: 'higher_is_better', unit: 'orders' }, { ...state, target: 1000, expected: 400 })).toMatchObject({
      text: 'of 1k orders target',
      lead: 'of ',
      amount: '1k orders',
      tail: ' target',
    });
    expect(targetText({ direction: 'within_range', unit: '%' }, { ...state, targetLow: 95, targetHigh: 99 })).toMatchObject({
      lead: 'in ',
      amount: '95–99 %',
    });
  });
});
