import { describe, expect, it } from 'vitest';
import { makeAlert } from '../alerts.fixture.ts';
import { batchSeverity, batchTitle, escapeHtml, pathOwners, pathText, valueVsThreshold } from './format.ts';

describe('format', () => {
  it('numbers as the wall reads them, value vs threshold', () => {
    // the same figures the wall's alert list shows (formatValue): "1.23M", "0.12", "1.74k"
    expect(valueVsThreshold({ value: 1234567, threshold: 0.123456 })).toBe('1.23M vs threshold 0.12');
    expect(valueVsThreshold({ value: 80, threshold: 100 })).toBe('80 vs threshold 100');
    expect(valueVsThreshold({ value: 1500, projection: 1740, threshold: 2100 })).toBe('1.5k so far, projected 1.74k vs target 2.1k');
    expect(valueVsThreshold({ value: 80, threshold: null })).toBe('80');
    expect(valueVsThreshold({ value: null, threshold: 100 })).toBe('no value');
  });
  it('the path with owners, and the owners once each', () => {
    const path = makeAlert().path;
    expect(pathText(path)).toBe('Revenue (bob) › Grow online sales (alice) › Company (ceo)');
    expect(pathOwners([...path, { kind: 'objective', id: 'x', name: 'X', owner: 'alice' }])).toEqual(['bob', 'alice', 'ceo']);
  });
  it('a title with the worst severity and the KPIs', () => {
    const one = { entries: [{ event: 'firing' as const, alert: makeAlert() }] };
    expect(batchTitle(one)).toBe('[WARNING] Firing: Revenue');
    const many = {
      entries: ['A', 'B', 'C', 'D'].map((kpiName, i) => ({
        event: 'firing' as const,
        alert: makeAlert({ kpiName, severity: i === 2 ? 'critical' : 'info' }),
      })),
    };
    expect(batchSeverity(many)).toBe('critical');
    expect(batchTitle(many)).toBe('[CRITICAL] 4 alerts: A, B, C, …');
  });
  it('escapes HTML', () => {
    expect(escapeHtml(`<script>alert("x" & 'y')</script>`)).toBe('&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;');
  });
});
