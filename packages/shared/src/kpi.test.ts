import { describe, expect, it } from 'vitest';
import { KpiSchema, parseDurationMs, rollingWindowMs, staleAfterMs } from './kpi.ts';

const base = { id: 'k', name: 'K', objective: 'o', metric: 'm', aggregation: 'sum', window: '1h', target: 200 } as const;

describe('parseDurationMs', () => {
  it('reads seconds, minutes, hours and days', () => {
    expect(parseDurationMs('30s')).toBe(30_000);
    expect(parseDurationMs('5m')).toBe(300_000);
    expect(parseDurationMs('1h')).toBe(3_600_000);
    expect(parseDurationMs('7d')).toBe(604_800_000);
  });
  it('refuses anything else', () => {
    for (const t of ['', '5', 'm', '1.5h', '5 m', '-1m', '1w']) expect(parseDurationMs(t)).toBeUndefined();
  });
});

describe('KpiSchema windows', () => {
  it('refuses windows outside 10s..31d', () => {
    expect(KpiSchema.safeParse({ ...base, window: '5s' }).success).toBe(false);
    expect(KpiSchema.safeParse({ ...base, window: '32d' }).success).toBe(false);
  });
});

describe('staleAfterMs', () => {
  it('takes the explicit setting, else a twelfth of the window between a minute and an hour', () => {
    expect(staleAfterMs({ window: '1h', staleAfter: '90s' })).toBe(90_000);
    expect(staleAfterMs({ window: '5m' })).toBe(60_000);
    expect(staleAfterMs({ window: '1h' })).toBe(300_000);
    expect(staleAfterMs({ window: '7d' })).toBe(3_600_000);
  });
  it('treats a calendar window as an hour for the default', () => {
    expect(staleAfterMs({ window: 'month_to_date' })).toBe(300_000);
    expect(rollingWindowMs({ window: 'today' })).toBeNull();
    expect(rollingWindowMs({ window: '5m' })).toBe(300_000);
  });
});
