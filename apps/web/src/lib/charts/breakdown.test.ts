import { describe, expect, it } from 'vitest';
import { OTHER_LABEL, barLabel, breakdownEmpty, breakdownRows, buildBreakdownOption, isAdditive } from './breakdown.ts';
import { breakdownColors } from './palette.ts';

const response = {
  groups: [
    { value: 'eu', total: 60 },
    { value: 'us', total: 30 },
    { value: '', total: null },
  ],
  other: 10,
};

describe('breakdownRows', () => {
  it('keeps the server order, then "Other", with shares when the KPI adds up', () => {
    const rows = breakdownRows(response, true);
    expect(rows.map((r) => [r.label, r.value, r.other])).toEqual([
      ['eu', 60, false],
      ['us', 30, false],
      ['(empty)', null, false],
      [OTHER_LABEL, 10, true],
    ]);
    expect(rows.map((r) => r.share)).toEqual([0.6, 0.3, null, 0.1]);
  });

  it('shows no share for what does not add up, and no "Other" when there is none', () => {
    const rows = breakdownRows({ groups: [{ value: 'eu', total: 4.5 }], other: null }, false);
    expect(rows).toEqual([{ label: 'eu', value: 4.5, other: false, share: null }]);
  });

  it('says which aggregations add up', () => {
    expect(isAdditive({ aggregation: 'count' })).toBe(true);
    expect(isAdditive({ aggregation: 'sum' })).toBe(true);
    expect(isAdditive({ aggregation: 'rate' })).toBe(true);
    for (const aggregation of ['avg', 'p95', 'min', 'max', 'distinct_count'] as const) expect(isAdditive({ aggregation })).toBe(false);
    expect(isAdditive({ aggregation: 'sum', ratio: {} })).toBe(false);
  });

  it('is empty when nothing has a value', () => {
    expect(breakdownEmpty(breakdownRows({ groups: [], other: null }, true))).toBe(true);
    expect(breakdownEmpty(breakdownRows({ groups: [{ value: 'x', total: null }], other: null }, true))).toBe(true);
    expect(breakdownEmpty(breakdownRows(response, true))).toBe(false);
  });

  it('labels bars with the value and the share', () => {
    const [eu] = breakdownRows(response, true);
    expect(eu && barLabel(eu, 'orders')).toBe('60 orders · 60 %');
    expect(barLabel({ label: 'x', value: 4.5, other: false, share: null }, '€')).toMatch(/4\.5/);
  });
});

describe('buildBreakdownOption', () => {
  const colors = breakdownColors(false);
  const rows = breakdownRows(response, true);
  const option = buildBreakdownOption({ rows, dim: 'region', unit: 'orders', colors });
  const series = (option.series as Array<{ data: Array<{ value: number | null; itemStyle: { color: string } }> }>)[0];

  it('draws one horizontal bar per row, largest on top, "Other" in grey', () => {
    expect(option.yAxis).toMatchObject({ type: 'category', inverse: true, data: ['eu', 'us', '(empty)', 'Other'] });
    expect(series?.data.map((d) => d.value)).toEqual([60, 30, null, 10]);
    expect(series?.data[3]?.itemStyle.color).toBe(colors.other);
    expect(new Set(series?.data.slice(0, 2).map((d) => d.itemStyle.color)).size).toBe(2);
  });

  it('escapes dimension values in the tooltip', () => {
    const evil = breakdownRows({ groups: [{ value: '<img src=x>', total: 1 }], other: null }, true);
    const opt = buildBreakdownOption({ rows: evil, dim: 'region', unit: '', colors });
    const formatter = (opt.tooltip as { formatter: (p: unknown) => string }).formatter;
    const html = formatter({ dataIndex: 0 });
    expect(html).toContain('&lt;img src=x&gt;');
    expect(html).not.toContain('<img');
    expect(formatter({ dataIndex: 9 })).toBe('');
  });
});
