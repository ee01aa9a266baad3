import { describe, expect, it } from 'vitest';
import { lastMonth, reportPdfHref, trendPath } from './reports.ts';

describe('report helpers', () => {
  it('finds the last closed month, across a year end', () => {
    expect(lastMonth(Date.UTC(2026, 11, 7))).toBe('2026-11');
    expect(lastMonth(Date.UTC(2027, 0, 1))).toBe('2026-12');
  });

  it('links the PDF with its month and objective', () => {
    expect(reportPdfHref('2026-10', 'sales')).toBe('/api/v1/reports/monthly/pdf?month=2026-10&objective=sales');
    expect(reportPdfHref('2026-10', null)).toBe('/api/v1/reports/monthly/pdf?month=2026-10');
  });

  it('draws a trend with its target line inside the box, skipping gaps', () => {
    const t = trendPath(
      [
        [1, 0],
        [2, null],
        [3, 10],
      ],
      5,
      100,
      20,
    );
    expect(t.line).toBe('0,18 100,2');
    expect(t.targetY).toBe(10);
    expect(trendPath([[1, null]], 5, 100, 20).line).toBe('');
  });
});
