import { describe, expect, it } from 'vitest';
import { BoardSchema, KpiSchema, ObjectiveSchema, parseDurationMs, rollingWindowMs, staleAfterMs } from './kpi.ts';

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

describe('text limits', () => {
  const issues = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
    (r.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

  it('names a field that is too long, not Unicode, or holds a control character', () => {
    const r = ObjectiveSchema.safeParse({ id: 'o', name: 'x'.repeat(201), owner: 'a\uDC00', description: 'line one\nline two\u0007' });
    expect(issues(r)).toEqual([
      'name: must be at most 200 characters',
      'description: must be plain text: contains a control character (U+0007)',
      'owner: must be plain text: is not valid Unicode (a lone UTF-16 surrogate)',
    ]);
  });

  it('allows line breaks in prose and script-looking text anywhere: it is shown as text', () => {
    const r = ObjectiveSchema.safeParse({ id: 'o', name: '<script>alert(1)</script>', description: 'one\n\ttwo' });
    expect(r.success).toBe(true);
  });

  it('bounds KPI filters and refuses a board listing a KPI twice', () => {
    const filter = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`d${i}`, 'v']));
    expect(issues(KpiSchema.safeParse({ ...base, filter }))).toEqual(['filter: must have at most 32 dimensions']);
    expect(issues(BoardSchema.safeParse({ id: 'b', name: 'B', kpis: ['a', 'a'] }))).toEqual(['kpis: lists a KPI twice']);
  });
});
