import { describe, expect, it } from 'vitest';
import { chooseSource, planBuckets, zoneGrain } from './rollups.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('chooseSource', () => {
  it('reads raw events for buckets finer than a minute or not whole minutes', () => {
    expect(chooseSource(10 * S, H)).toBe('events');
    expect(chooseSource(30 * S, 5 * M)).toBe('events');
    expect(chooseSource(90 * S, H)).toBe('events');
  });

  it('picks the coarsest rollup whose bucket divides the needed bucket', () => {
    expect(chooseSource(M, H)).toBe('minute');
    expect(chooseSource(5 * M, H)).toBe('minute');
    expect(chooseSource(30 * M, H)).toBe('minute');
    expect(chooseSource(H, H)).toBe('hour');
    expect(chooseSource(3 * H, 7 * D)).toBe('hour');
    expect(chooseSource(6 * H, 4 * H)).toBe('hour');
    expect(chooseSource(D, 7 * D)).toBe('day');
  });

  it('uses the window when it is shorter than the step: each point is one window', () => {
    expect(chooseSource(H, 5 * M)).toBe('minute');
    expect(chooseSource(D, H)).toBe('hour');
    expect(chooseSource(D, 90 * S)).toBe('events');
  });

  it('counts local days for whole-day steps, from the rollup that matches the zone', () => {
    expect(planBuckets(D, D, 'utc')).toEqual({ mode: 'day', bucketMs: D, source: 'day' });
    expect(planBuckets(D, 7 * D, 'hour')).toEqual({ mode: 'day', bucketMs: D, source: 'hour' });
    expect(planBuckets(7 * D, 7 * D, 'minute')).toEqual({ mode: 'day', bucketMs: D, source: 'minute' });
    // a 36 h window is not whole days: 12 h buckets, UTC-aligned
    expect(planBuckets(D, 36 * H, 'hour')).toEqual({ mode: 'fixed', bucketMs: 12 * H, source: 'hour' });
  });

  it('never lets a calendar bucket straddle a local period start', () => {
    expect(planBuckets(3 * H, 0, 'hour')).toEqual({ mode: 'fixed', bucketMs: H, source: 'hour' });
    expect(planBuckets(3 * H, 0, 'minute')).toEqual({ mode: 'fixed', bucketMs: 15 * M, source: 'minute' });
    expect(planBuckets(D, 0, 'hour')).toEqual({ mode: 'day', bucketMs: D, source: 'hour' });
    expect(chooseSource(10 * S, 0)).toBe('events');
  });
});

describe('zoneGrain', () => {
  it('tells UTC, whole-hour and part-hour zones apart', () => {
    expect(zoneGrain('UTC')).toBe('utc');
    expect(zoneGrain('Europe/Berlin')).toBe('hour');
    expect(zoneGrain('America/New_York')).toBe('hour');
    expect(zoneGrain('Asia/Kolkata')).toBe('minute');
    expect(zoneGrain('Asia/Kathmandu')).toBe('minute');
  });
});
