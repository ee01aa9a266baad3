import { describe, expect, it } from 'vitest';
import { KpiSchema, parseDurationMs, resolveKpi, staleAfterMs } from './kpi.ts';

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

describe('resolveKpi', () => {
  it('resolves percentage thresholds against the target', () => {
    const k = resolveKpi(KpiSchema.parse({ ...base, warning: '90%', critical: '50%' }));
    expect(k.warningValue).toBe(180);
    expect(k.criticalValue).toBe(100);
    expect(k.windowMs).toBe(3_600_000);
  });
  it('keeps absolute thresholds and defaults by direction', () => {
    expect(resolveKpi(KpiSchema.parse({ ...base, warning: 150 })).warningValue).toBe(150);
    const lower = resolveKpi(KpiSchema.parse({ ...base, direction: 'lower_is_better' }));
    expect(lower.warningValue).toBeCloseTo(220);
    expect(lower.criticalValue).toBeCloseTo(250);
  });
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
});
