import { describe, expect, it } from 'vitest';
import { KpiSchema, type KpiInput } from './kpi.ts';
import { calendarSpan, periodSpan, periodsAt, previousCalendarSpan, resolveThresholds, targetInForce, targetValidity } from './targets.ts';

const HOUR = 3_600_000;
const kpi = (over: Partial<KpiInput>) =>
  KpiSchema.parse({ id: 'k', name: 'K', metric: 'm', aggregation: 'sum', window: '1h', ...over } as KpiInput);

describe('calendar spans', () => {
  it('has a 25-hour day when Berlin leaves summer time (last Sunday of October)', () => {
    const at = Date.UTC(2026, 9, 25, 12); // 2026-10-25 13:00 CET
    const day = calendarSpan('today', 'Europe/Berlin', at);
    expect(day.startMs).toBe(Date.UTC(2026, 9, 24, 22)); // midnight CEST = 22:00 UTC
    expect(day.endMs - day.startMs).toBe(25 * HOUR);
    const spring = calendarSpan('today', 'Europe/Berlin', Date.UTC(2026, 2, 29, 12));
    expect(spring.endMs - spring.startMs).toBe(23 * HOUR);
  });

  it('starts weeks on Monday and quarters on the first of Jan/Apr/Jul/Oct, in the zone', () => {
    const at = Date.UTC(2026, 10, 25, 12); // Wednesday 2026-11-25
    expect(calendarSpan('week_to_date', 'UTC', at)).toEqual({ startMs: Date.UTC(2026, 10, 23), endMs: Date.UTC(2026, 10, 30) });
    expect(calendarSpan('quarter_to_date', 'UTC', at)).toEqual({ startMs: Date.UTC(2026, 9, 1), endMs: Date.UTC(2027, 0, 1) });
    const month = calendarSpan('month_to_date', 'Europe/Berlin', at);
    expect(month).toEqual({ startMs: Date.UTC(2026, 9, 31, 23), endMs: Date.UTC(2026, 10, 30, 23) });
    expect(previousCalendarSpan('month_to_date', 'Europe/Berlin', month)).toEqual({
      startMs: Date.UTC(2026, 8, 30, 22),
      endMs: Date.UTC(2026, 9, 31, 23),
    });
  });

  it('names the month, quarter and year of an instant in the zone, across a quarter boundary', () => {
    const newYearBerlin = Date.UTC(2026, 11, 31, 23, 30); // 00:30 on 1 Jan 2027 in Berlin
    expect(periodsAt(newYearBerlin, 'Europe/Berlin')).toEqual(['2027-01', '2027-Q1', '2027']);
    expect(periodsAt(newYearBerlin, 'UTC')).toEqual(['2026-12', '2026-Q4', '2026']);
    expect(periodSpan('2026-Q4', 'UTC')).toEqual({ startMs: Date.UTC(2026, 9, 1), endMs: Date.UTC(2027, 0, 1) });
  });
});

describe('targetInForce', () => {
  const targets = [
    { period: '2026', value: 1200 },
    { period: '2026-Q4', value: 300, monthly: { '2026-10': 80, '2026-11': 100, '2026-12': 120 } },
    { period: '2026-12', value: 150 },
  ];

  it('uses the KPI’s own target without a period target in force', () => {
    expect(targetInForce(kpi({ target: 10 }), Date.UTC(2026, 0, 5))).toEqual({
      target: 10,
      low: null,
      high: null,
      expected: null,
      period: null,
    });
    expect(targetInForce(kpi({}), Date.UTC(2026, 0, 5)).target).toBeNull();
  });

  it('prefers month over quarter over year, and reads a level’s monthly phase', () => {
    const k = kpi({ target: 1, targets, aggregation: 'avg' });
    expect(targetInForce(k, Date.UTC(2026, 11, 10))).toMatchObject({ target: 150, period: '2026-12' });
    expect(targetInForce(k, Date.UTC(2026, 10, 10))).toMatchObject({ target: 100, period: '2026-Q4' });
    expect(targetInForce(k, Date.UTC(2026, 5, 10))).toMatchObject({ target: 1200, period: '2026' });
    expect(targetInForce(k, Date.UTC(2027, 5, 10))).toMatchObject({ target: 1, period: null });
  });

  it('reads the period in the KPI’s zone: Berlin is in December while UTC is still in November', () => {
    const k = kpi({ target: 1, targets, aggregation: 'avg', timezone: 'Europe/Berlin' });
    const at = Date.UTC(2026, 10, 30, 23, 30);
    expect(targetInForce(k, at).period).toBe('2026-12');
    expect(targetInForce({ ...k, timezone: 'UTC' }, at).period).toBe('2026-Q4');
  });

  it('allots a cumulative calendar KPI its window’s share and paces it linearly', () => {
    const k = kpi({
      window: 'quarter_to_date',
      targets: [{ period: '2026-Q4', value: 300, monthly: { '2026-10': 80, '2026-11': 100, '2026-12': 120 }, pacing: 'linear' }],
    });
    const midNovember = Date.UTC(2026, 10, 16); // 15 of November's 30 days done
    const t = targetInForce(k, midNovember);
    expect(t.target).toBeCloseTo(300);
    expect(t.expected).toBeCloseTo(80 + 100 * 0.5);
    expect(t.period).toBe('2026-Q4');
    // month_to_date on the same quarter target: November's phased value, half of it by now
    const mtd = targetInForce({ ...k, window: 'month_to_date' }, midNovember);
    expect(mtd.target).toBeCloseTo(100);
    expect(mtd.expected).toBeCloseTo(50);
  });

  it('paces by elapsed share without monthly phasing, counting the 25-hour DST day', () => {
    const k = kpi({ window: 'today', timezone: 'Europe/Berlin', targets: [{ period: '2026-10', value: 3100, pacing: 'linear' }] });
    const noonish = Date.UTC(2026, 9, 25, 11); // 12:00 CET, 13 h after midnight CEST
    const t = targetInForce(k, noonish);
    const octoberMs = 31 * 24 * HOUR + HOUR;
    expect(t.target).toBeCloseTo((3100 * 25 * HOUR) / octoberMs);
    expect(t.expected).toBeCloseTo((3100 * 13 * HOUR) / octoberMs);
  });

  it('gives unlisted months an even share of what the value leaves', () => {
    const k = kpi({ window: 'month_to_date', targets: [{ period: '2026-Q4', value: 300, monthly: { '2026-10': 120 }, pacing: 'none' }] });
    expect(targetInForce(k, Date.UTC(2026, 10, 3)).target).toBeCloseTo(90);
    expect(targetInForce(k, Date.UTC(2026, 10, 3)).expected).toBeNull();
  });

  it('takes a band from the period target, keeping the KPI’s own where it gives none', () => {
    const k = kpi({ direction: 'within_range', low: 1, high: 2, targets: [{ period: '2026-11', low: 5 }] });
    expect(targetInForce(k, Date.UTC(2026, 10, 3))).toMatchObject({ low: 5, high: 2, period: '2026-11' });
  });

  it('stays valid until the month (or the window’s period) ends; paced targets never', () => {
    const at = Date.UTC(2026, 10, 25, 12);
    expect(targetValidity(kpi({ target: 1 }), at).endMs).toBe(Infinity);
    expect(targetValidity(kpi({ targets }), at)).toEqual({ startMs: Date.UTC(2026, 10, 1), endMs: Date.UTC(2026, 11, 1) });
    expect(targetValidity(kpi({ targets, window: 'today' }), at)).toEqual({
      startMs: Date.UTC(2026, 10, 25),
      endMs: Date.UTC(2026, 10, 26),
    });
  });
});

describe('resolveThresholds', () => {
  const inForce = (target: number | null, expected: number | null = null) => ({ target, low: null, high: null, expected, period: null });

  it('resolves percentages against the target and defaults by direction', () => {
    expect(resolveThresholds(kpi({ warning: '90%', critical: '50%' }), inForce(200))).toMatchObject({ warning: 180, critical: 100 });
    expect(resolveThresholds(kpi({ warning: 150 }), inForce(200))).toMatchObject({ warning: 150, critical: 150 });
    const lower = resolveThresholds(kpi({ direction: 'lower_is_better' }), inForce(200));
    expect(lower).toMatchObject({ kind: 'one_sided', direction: 'lower_is_better' });
    if (lower?.kind !== 'one_sided') throw new Error('one-sided expected');
    expect(lower.warning).toBeCloseTo(220);
    expect(lower.critical).toBeCloseTo(250);
  });

  it('is null without a target', () => {
    expect(resolveThresholds(kpi({}), inForce(null))).toBeNull();
  });

  it('measures against expected when paced, scaling absolute thresholds', () => {
    expect(resolveThresholds(kpi({}), inForce(1000, 500))).toMatchObject({ reference: 500, warning: 450, critical: 375 });
    expect(resolveThresholds(kpi({ warning: 900 }), inForce(1000, 500))).toMatchObject({ warning: 450 });
  });

  it('gives a band 0 warning and 10 % of its width as critical by default', () => {
    const k = kpi({ direction: 'within_range', low: 10, high: 20 });
    expect(resolveThresholds(k, { ...inForce(null), low: 10, high: 20 })).toEqual({
      kind: 'band',
      low: 10,
      high: 20,
      warningLow: 10,
      warningHigh: 20,
      criticalLow: 9,
      criticalHigh: 21,
    });
    expect(resolveThresholds({ ...k, warning: '10%', critical: 5 }, { ...inForce(null), low: 10, high: 20 })).toMatchObject({
      warningLow: 9,
      criticalHigh: 25,
    });
    expect(resolveThresholds(k, inForce(null))).toBeNull();
  });
});
