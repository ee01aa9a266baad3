import { describe, expect, it } from 'vitest';
import { makeAlert } from './alerts.fixture.ts';
import { batchIdempotencyKey, entryIdempotencyKey } from './idempotency.ts';
import type { NotificationEntry } from './notification.ts';

const firing = (over: Parameters<typeof makeAlert>[0] = {}): NotificationEntry => ({ event: 'firing', alert: makeAlert(over) });

describe('notification idempotency keys', () => {
  it('a firing has one key whenever and wherever it is released (retry, restart, another instance)', () => {
    const k = entryIdempotencyKey(firing(), 5_000);
    expect(k).toMatch(/^[0-9a-f]{32}$/);
    expect(entryIdempotencyKey(firing(), 99_000)).toBe(k);
    // the figures move while the batch waits; the transition is the same one
    expect(entryIdempotencyKey(firing({ value: 12, reason: 'value 12 < 100', state: 'recovering', since: 3_000 }), 7_000)).toBe(k);
  });

  it('differs by rule, KPI, series, event, state told about and transition time', () => {
    const k = entryIdempotencyKey(firing(), 0);
    const others = [
      entryIdempotencyKey(firing({ rule: 'other' }), 0),
      entryIdempotencyKey(firing({ kpi: 'orders' }), 0),
      entryIdempotencyKey(firing({ series: 'eu' }), 0),
      entryIdempotencyKey(firing({ firingSince: 2_000, since: 2_000 }), 0),
      entryIdempotencyKey({ event: 'resolved', alert: makeAlert({ state: 'normal', firingSince: null, since: 9_000 }) }, 0),
      entryIdempotencyKey({ event: 'firing', about: 'nodata', alert: makeAlert() }, 0),
      entryIdempotencyKey({ event: 'flapping', alert: makeAlert() }, 0),
    ];
    expect(new Set([k, ...others]).size).toBe(others.length + 1);
  });

  it('a repeat is a new notification each time it is released', () => {
    const repeat: NotificationEntry = { event: 'repeat', alert: makeAlert() };
    expect(entryIdempotencyKey(repeat, 60_000)).not.toBe(entryIdempotencyKey(repeat, 120_000));
    expect(entryIdempotencyKey(repeat, 60_000)).toBe(entryIdempotencyKey(repeat, 60_000));
  });

  it('a batch key depends on its group and entries, not their order nor the release time', () => {
    const a = firing();
    const b = firing({ kpi: 'orders', key: 'low-revenue/orders/total' });
    const k = batchIdempotencyKey('0|rule=low-revenue', [a, b], 1_000);
    expect(batchIdempotencyKey('0|rule=low-revenue', [b, a], 50_000)).toBe(k);
    expect(batchIdempotencyKey('1|rule=low-revenue', [a, b], 1_000)).not.toBe(k);
    expect(batchIdempotencyKey('0|rule=low-revenue', [a], 1_000)).not.toBe(k);
  });
});
