import { describe, expect, it } from 'vitest';
import { RANGE_LABELS, RANGE_PRESETS, rangeName, rangeStart, resolveRange } from './range.ts';

const NOW = Date.UTC(2026, 4, 17, 9, 30);

describe('range presets', () => {
  it('offers 1 h to year to date, each with a label', () => {
    expect(RANGE_PRESETS).toEqual(['1h', '24h', '7d', '30d', 'qtd', 'ytd']);
    for (const p of RANGE_PRESETS) expect(RANGE_LABELS[p]).toMatch(/\S/);
    expect(new Set(RANGE_PRESETS.map((p) => RANGE_LABELS[p])).size).toBe(RANGE_PRESETS.length);
  });

  it('rolls back a fixed length from now', () => {
    expect(rangeStart('1h', NOW)).toBe(NOW - 3_600_000);
    expect(rangeStart('24h', NOW)).toBe(NOW - 86_400_000);
    expect(rangeStart('30d', NOW)).toBe(NOW - 30 * 86_400_000);
  });

  it('starts quarter and year to date at local midnight in the KPI zone', () => {
    expect(rangeStart('qtd', NOW)).toBe(Date.UTC(2026, 3, 1));
    expect(rangeStart('ytd', NOW)).toBe(Date.UTC(2026, 0, 1));
    expect(rangeStart('qtd', NOW, 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 31, 22));
    expect(rangeStart('ytd', NOW, 'Asia/Tokyo')).toBe(Date.UTC(2025, 11, 31, 15));
  });
});

describe('resolveRange', () => {
  it('ends a preset now, open at the server', () => {
    expect(resolveRange({ kind: 'preset', preset: '7d' }, NOW)).toEqual({ from: NOW - 7 * 86_400_000, to: NOW, fixedEnd: false });
  });

  it('keeps a custom range as it is', () => {
    expect(resolveRange({ kind: 'custom', from: 1, to: 2 }, NOW, 'Europe/Berlin')).toEqual({ from: 1, to: 2, fixedEnd: true });
  });

  it('names the range for the chart', () => {
    expect(rangeName({ kind: 'preset', preset: 'qtd' })).toBe('qtd');
    expect(rangeName({ kind: 'custom', from: 1, to: 2 })).toBe('custom');
  });
});
