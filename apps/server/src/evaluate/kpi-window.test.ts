import { KpiSchema, kpiMeasures, type KpiInput } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { CalendarKpiWindow } from './calendar-window.ts';
import { compileMeasure } from './formula.ts';
import { RollingKpiWindow, createKpiWindow } from './kpi-window.ts';
import { DISTINCT_VALUES_PER_SLOT_MAX } from './stats.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

function windowFor(over: Partial<KpiInput>) {
  const def = KpiSchema.parse({ id: 'k', name: 'K', window: '5m', ...over } as KpiInput);
  return createKpiWindow(def, kpiMeasures(def).map(compileMeasure));
}

const ratio = (scale = 100): Partial<KpiInput> => ({
  ratio: {
    numerator: { metric: 'orders', aggregation: 'count' },
    denominator: { metric: 'sessions', aggregation: 'count' },
    scale,
  },
});

describe('createKpiWindow', () => {
  it('makes a rolling window for a duration and a calendar one for a calendar period', () => {
    expect(windowFor({ metric: 'orders', aggregation: 'sum' })).toBeInstanceOf(RollingKpiWindow);
    expect(windowFor({ metric: 'orders', aggregation: 'sum', window: 'today' })).toBeInstanceOf(CalendarKpiWindow);
  });

  it('draws a rolling window in sixty slots of its length', () => {
    expect(windowFor({ metric: 'orders', aggregation: 'sum' }).slotMs).toBe(5_000);
    expect(windowFor({ metric: 'orders', aggregation: 'sum', window: '1h' }).slotMs).toBe(60_000);
  });
});

describe('a rolling KPI window', () => {
  it('reads one measure: the value now and the window before it', () => {
    const w = windowFor({ metric: 'orders', aggregation: 'sum' });
    w.add(0, T0 - 7 * MIN, 5, undefined);
    w.add(0, T0 - 2 * MIN, 3, undefined);
    w.add(0, T0 - MIN, 4, undefined);
    expect(w.value(T0)).toBe(7);
    expect(w.previous(T0)).toBe(5);
    expect(w.lowerBound(T0)).toBe(false);
  });

  it('combines a ratio’s two measures, with a numerator without events as 0 and no value without a denominator', () => {
    const w = windowFor(ratio());
    expect(w.value(T0)).toBeNull();
    w.add(1, T0 - MIN, 1, undefined);
    w.add(1, T0 - MIN, 1, undefined);
    w.add(1, T0 - MIN, 1, undefined);
    w.add(1, T0 - MIN, 1, undefined);
    expect(w.value(T0)).toBe(0);
    w.add(0, T0 - MIN, 1, undefined);
    expect(w.value(T0)).toBe(25);
  });

  it('draws a ratio’s sparkline point by point from both measures', () => {
    const w = windowFor(ratio(1));
    w.add(1, T0 - 3 * MIN, 1, undefined);
    w.add(1, T0 - 3 * MIN, 1, undefined);
    w.add(0, T0 - 3 * MIN, 1, undefined);
    const single = windowFor({ metric: 'sessions', aggregation: 'count' });
    single.add(0, T0 - 3 * MIN, 1, undefined);
    single.add(0, T0 - 3 * MIN, 1, undefined);
    const spark = w.spark(T0);
    // the same slots as a one-measure window over the same events
    expect(spark.map(([t]) => t)).toEqual(single.spark(T0).map(([t]) => t));
    const drawn = spark.filter(([, v]) => v !== null);
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.at(-1)?.[1]).toBe(0.5);
  });

  it('says its distinct count is a lower bound once a slot is past its memory bound', () => {
    const w = windowFor({ metric: 'visits', aggregation: 'distinct_count', distinctBy: 'user' });
    for (let i = 0; i < DISTINCT_VALUES_PER_SLOT_MAX; i++) w.add(0, T0 - MIN, 1, `u${i}`);
    expect(w.lowerBound(T0)).toBe(false);
    expect(w.value(T0)).toBe(DISTINCT_VALUES_PER_SLOT_MAX);
    w.add(0, T0 - MIN, 1, 'one-too-many');
    expect(w.lowerBound(T0)).toBe(true);
    expect(w.value(T0)).toBe(DISTINCT_VALUES_PER_SLOT_MAX);
  });
});

describe('a calendar KPI window', () => {
  it('combines its measures over the period so far, and starts again at the next period', () => {
    const w = windowFor({ ...ratio(), window: 'today', timezone: 'UTC' });
    w.advance(T0);
    w.add(1, T0 - 2 * 60 * MIN, 1, undefined);
    w.add(1, T0 - 60 * MIN, 1, undefined);
    w.add(0, T0 - 60 * MIN, 1, undefined);
    expect(w.value(T0)).toBe(50);
    const tomorrow = Date.UTC(2026, 10, 26, 0, 30);
    w.advance(tomorrow);
    expect(w.value(tomorrow)).toBeNull();
  });
});
