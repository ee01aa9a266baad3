import { describe, expect, it } from 'vitest';
import { DEFAULT_SENSITIVITY, type AlertCondition, type KpiDefinition } from '@northstar/shared';
import { KpiDetector } from '../detect/ensemble.ts';
import { scoreThreshold } from '../detect/score.ts';
import { DEFAULT_ANOMALY_SCORE, evaluateCondition, PACING_MIN_ELAPSED_SHARE, pacingContext, type ConditionInput } from './condition.ts';
import { kpiState } from './alerts.fixture.ts';

const input = (over: Partial<ConditionInput> = {}): ConditionInput => ({ state: kpiState(), anomalyScores: [], nowMs: 0, ...over });

describe('threshold', () => {
  const rule = (op: '>' | '>=' | '<' | '<=', value: number): AlertCondition => ({ type: 'threshold', op, value });
  it.each([
    ['>', 100, 101, true],
    ['>', 100, 100, false],
    ['>=', 100, 100, true],
    ['>=', 100, 99, false],
    ['<', 100, 99, true],
    ['<', 100, 100, false],
    ['<=', 100, 100, true],
    ['<=', 100, 101, false],
  ] as const)('value %s %d with %d holds: %s', (op, threshold, value, holds) => {
    const r = evaluateCondition(rule(op, threshold), input({ state: kpiState({ value }) }));
    expect(r).toMatchObject({ holds, noData: false, value, threshold });
  });
  it('says why in words, with the comparison that is true', () => {
    expect(evaluateCondition(rule('>', 100), input({ state: kpiState({ value: 120 }) })).reason).toBe('value 120 > 100');
    expect(evaluateCondition(rule('>', 100), input({ state: kpiState({ value: 80 }) })).reason).toBe('value 80 <= 100');
  });
  it('a KPI without a value is no data, not a pass', () => {
    const r = evaluateCondition(rule('<', 100), input({ state: kpiState({ value: null }) }));
    expect(r).toMatchObject({ holds: false, noData: true, value: null, threshold: 100 });
  });
});

describe('status', () => {
  it('holds when the status is listed', () => {
    const r = evaluateCondition({ type: 'status', in: ['off_track'] }, input({ state: kpiState({ status: 'off_track' }) }));
    expect(r).toMatchObject({ holds: true, noData: false, reason: 'status is off track' });
  });
  it('clears when it is not', () => {
    const r = evaluateCondition({ type: 'status', in: ['off_track'] }, input({ state: kpiState({ status: 'on_track' }) }));
    expect(r).toMatchObject({ holds: false, noData: false });
  });
  it('no_data is NoData unless the rule lists it', () => {
    const state = kpiState({ status: 'no_data', value: null });
    expect(evaluateCondition({ type: 'status', in: ['off_track'] }, input({ state }))).toMatchObject({ holds: false, noData: true });
    expect(evaluateCondition({ type: 'status', in: ['no_data'] }, input({ state }))).toMatchObject({ holds: true, noData: false });
  });
});

describe('anomaly: n of the last m points', () => {
  const rule: AlertCondition = { type: 'anomaly', score: 0.7, n: 3, m: 5 };
  it('holds with n of the last m at or above the score', () => {
    const r = evaluateCondition(rule, input({ anomalyScores: [0.9, 0.9, 0.1, 0.7, 0.2, 0.8, 0.75] }));
    expect(r.holds).toBe(true);
    expect(r.reason).toContain('3 of the last 5');
  });
  it('only the last m count', () => {
    expect(evaluateCondition(rule, input({ anomalyScores: [0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1, 0.9] })).holds).toBe(false);
  });
  it('uses the KPI sensitivity score, then the default, when the rule sets none', () => {
    const noScore: AlertCondition = { type: 'anomaly', n: 1, m: 1 };
    expect(evaluateCondition(noScore, input({ anomalyScores: [0.5], anomalyScoreThreshold: 0.4 })).holds).toBe(true);
    expect(evaluateCondition(noScore, input({ anomalyScores: [DEFAULT_ANOMALY_SCORE - 0.01] })).holds).toBe(false);
    expect(evaluateCondition(noScore, input({ anomalyScores: [DEFAULT_ANOMALY_SCORE] })).holds).toBe(true);
  });
  it('without any score given, fires on exactly the points a default KPI detector flags (one rule for both)', () => {
    const noScore: AlertCondition = { type: 'anomaly', n: 1, m: 1 };
    const detector = new KpiDetector({}, { direction: 'within_range', timezone: 'UTC' });
    expect(DEFAULT_ANOMALY_SCORE).toBe(detector.threshold);
    expect(DEFAULT_ANOMALY_SCORE).toBe(scoreThreshold(DEFAULT_SENSITIVITY));
    // a point the default detector just flags holds the rule; one just under does not
    expect(evaluateCondition(noScore, input({ anomalyScores: [detector.threshold] })).holds).toBe(true);
    expect(evaluateCondition(noScore, input({ anomalyScores: [detector.threshold * 0.99] })).holds).toBe(false);
    // and it moves with the sensitivity constants it derives from: medium sits between high and low
    expect(scoreThreshold('high')).toBeLessThan(DEFAULT_ANOMALY_SCORE);
    expect(scoreThreshold('low')).toBeGreaterThan(DEFAULT_ANOMALY_SCORE);
  });
  it('while warming up (fewer than m scores) it can still reach n, and says so', () => {
    const r = evaluateCondition(rule, input({ anomalyScores: [0.1, 0.2] }));
    expect(r).toMatchObject({ holds: false, noData: false });
    expect(r.reason).toContain('only 2 scored so far');
  });
  it('reports the KPI value, with no threshold (the score rule is in the reason)', () => {
    expect(evaluateCondition(rule, input({ state: kpiState({ value: 42 }), anomalyScores: [1, 1, 1] }))).toMatchObject({
      value: 42,
      threshold: null,
    });
  });
  it('no value and not holding is no data', () => {
    expect(evaluateCondition(rule, input({ state: kpiState({ value: null }) }))).toMatchObject({ holds: false, noData: true });
  });
});

describe('no_data', () => {
  const rule: AlertCondition = { type: 'no_data', for: '10m' };
  it('holds once no event came for the duration', () => {
    const state = kpiState({ lastEventTs: 0 });
    expect(evaluateCondition(rule, input({ state, nowMs: 599_999 })).holds).toBe(false);
    const r = evaluateCondition(rule, input({ state, nowMs: 600_000 }));
    expect(r).toMatchObject({ holds: true, noData: false, reason: 'no event for 10m (limit 10m)' });
  });
  it('never seen an event holds when nobody knows since when (the rule is about silence)', () => {
    expect(evaluateCondition(rule, input({ state: kpiState({ lastEventTs: null, value: null }) }))).toMatchObject({
      holds: true,
      noData: false,
    });
  });
  it('never seen an event counts silence from when watching began, so a fresh start does not page', () => {
    const state = kpiState({ lastEventTs: null, value: null });
    expect(evaluateCondition(rule, input({ state, nowMs: 1_000_000, watchingSinceMs: 500_000 }))).toMatchObject({
      holds: false,
      reason: 'no event seen yet',
    });
    expect(evaluateCondition(rule, input({ state, nowMs: 1_100_000, watchingSinceMs: 500_000 }))).toMatchObject({
      holds: true,
      reason: 'no event seen in 10m (limit 10m)',
    });
  });
});

describe('while history is loading (state.catchingUp)', () => {
  // the demo's first minutes: events an hour old arrive by the thousand, the 15-minute windows are still empty
  const loading = kpiState({ value: null, status: 'no_data', lastEventTs: 0, catchingUp: true });
  const nowMs = 3_600_000;
  it('a no-data rule does not fire: the feed is delivering, only old events', () => {
    const r = evaluateCondition({ type: 'no_data', for: '15m' }, input({ state: loading, nowMs }));
    expect(r).toMatchObject({ holds: false, noData: false, reason: 'loading history (events up to 00:00 UTC so far)' });
    // the same silence without the catch-up is a stopped feed, and fires
    expect(evaluateCondition({ type: 'no_data', for: '15m' }, input({ state: { ...loading, catchingUp: false }, nowMs })).holds).toBe(true);
  });
  it.each([
    ['threshold', { type: 'threshold', op: '<', value: 5 }],
    ['status', { type: 'status', in: ['off_track'] }],
    ['status listing no_data', { type: 'status', in: ['no_data'] }],
    ['anomaly', { type: 'anomaly', n: 3, m: 5 }],
  ] as const)('a %s rule on the empty window is neither NoData nor firing', (_, condition) => {
    const r = evaluateCondition(condition as AlertCondition, input({ state: loading, nowMs }));
    expect(r).toMatchObject({ holds: false, noData: false });
    expect(r.reason).toMatch(/^loading history/);
  });
});

describe('pacing', () => {
  const rule: AlertCondition = { type: 'pacing', by: 10 };
  const DAY = 86_400_000;
  const month = { startMs: 0, endMs: 30 * DAY, cumulative: true, direction: 'higher_is_better' as const };

  it('projects a cumulative KPI by elapsed share and holds when it misses by more than `by` %', () => {
    // 10 days of 30: 250 → 750 projected vs 1000: 25 % short.
    const r = evaluateCondition(rule, input({ state: kpiState({ value: 250, target: 1000 }), nowMs: 10 * DAY, pacing: month }));
    expect(r).toMatchObject({ holds: true, noData: false, value: 250, projection: 750, threshold: 1000 });
    expect(r.reason).toContain('25% below target');
  });
  it('does not hold within `by`', () => {
    // 300 by a third → 900: 10 % short, not more.
    const r = evaluateCondition(rule, input({ state: kpiState({ value: 300, target: 1000 }), nowMs: 10 * DAY, pacing: month }));
    expect(r).toMatchObject({ holds: false, value: 300, projection: 900 });
  });
  it('follows a paced target (monthly phasing) through expected when it is set', () => {
    // Phased: 500 expected by now (not a third). 400 / 500 × 1000 = 800: 20 % short.
    const state = kpiState({ value: 400, target: 1000, expected: 500 });
    expect(evaluateCondition(rule, input({ state, nowMs: 10 * DAY, pacing: month }))).toMatchObject({
      holds: true,
      value: 400,
      projection: 800,
    });
  });
  it('lower is better: holds when the projection overshoots', () => {
    const ctx = { ...month, direction: 'lower_is_better' as const };
    const state = kpiState({ value: 400, target: 1000 });
    expect(evaluateCondition(rule, input({ state, nowMs: 10 * DAY, pacing: ctx }))).toMatchObject({
      holds: true,
      value: 400,
      projection: 1200,
    });
  });
  it('stays quiet early in the period', () => {
    const nowMs = PACING_MIN_ELAPSED_SHARE * 30 * DAY - 1;
    const r = evaluateCondition(rule, input({ state: kpiState({ value: 1, target: 1000 }), nowMs, pacing: month }));
    expect(r).toMatchObject({ holds: false, noData: false });
    expect(r.reason).toContain('too early');
  });
  it('a level (not cumulative) is projected as its current value', () => {
    const ctx = { ...month, cumulative: false };
    const state = kpiState({ value: 85, target: 100 });
    expect(evaluateCondition(rule, input({ state, nowMs: DAY, pacing: ctx }))).toMatchObject({ holds: true, value: 85, projection: 85 });
  });
  it('without a period, target or value it does not hold', () => {
    expect(evaluateCondition(rule, input({ state: kpiState({ value: 1 }) }))).toMatchObject({ holds: false, noData: true });
    expect(evaluateCondition(rule, input({ state: kpiState({ target: null }), nowMs: 10 * DAY, pacing: month }))).toMatchObject({
      holds: false,
      noData: false,
    });
    expect(evaluateCondition(rule, input({ state: kpiState({ value: null }), nowMs: 10 * DAY, pacing: month }))).toMatchObject({
      holds: false,
      noData: true,
    });
    const range = { ...month, direction: 'within_range' as const };
    expect(evaluateCondition(rule, input({ nowMs: 10 * DAY, pacing: range })).holds).toBe(false);
  });
  it('pacingContext: the calendar period in the KPI zone, and whether it accumulates', () => {
    const kpi = {
      id: 'k',
      name: 'K',
      metric: 'm',
      aggregation: 'sum',
      window: 'month_to_date',
      timezone: 'Europe/Berlin',
      direction: 'higher_is_better',
    } as KpiDefinition;
    const ctx = pacingContext(kpi, Date.UTC(2026, 9, 15));
    expect(ctx).toEqual({
      startMs: Date.UTC(2026, 8, 30, 22),
      endMs: Date.UTC(2026, 9, 31, 23),
      cumulative: true,
      direction: 'higher_is_better',
    });
    expect(pacingContext({ ...kpi, aggregation: 'avg' }, 0)?.cumulative).toBe(false);
    expect(pacingContext({ ...kpi, window: '1h' }, 0)).toBeUndefined();
  });
});
