import type { Aggregation, BreakdownResponse } from '@northstar/shared';
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption } from 'echarts/charts';
import type { GridComponentOption, TooltipComponentOption } from 'echarts/components';
import { formatPercent, formatValue } from '../format.ts';
import { escapeHtml, truncate } from './history.ts';
import type { BreakdownColors } from './palette.ts';

export type BreakdownOption = ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption>;

/** One bar: a top group, or everything else. */
export interface BreakdownRow {
  label: string;
  value: number | null;
  other: boolean;
  /** Of the whole range's total, when the KPI adds up across groups; else null. */
  share: number | null;
}

export const OTHER_LABEL = 'Other';
const EMPTY_LABEL = '(empty)';
const LABEL_CHARS = 24;

/**
 * Whether the groups' values add up to the KPI's value: counts, sums and rates do; an average,
 * a percentile, a minimum, a distinct count or a ratio does not, so no share is shown for them.
 */
export function isAdditive(def: { aggregation?: Aggregation; ratio?: unknown }): boolean {
  if (def.ratio) return false;
  return def.aggregation === 'sum' || def.aggregation === 'count' || def.aggregation === 'rate';
}

/** The bars, largest first as the server ranks them, then "Other" when there is any. */
export function breakdownRows(res: Pick<BreakdownResponse, 'groups' | 'other'>, additive: boolean): BreakdownRow[] {
  const rows: BreakdownRow[] = res.groups.map((g) => ({
    label: g.value === '' ? EMPTY_LABEL : g.value,
    value: g.total,
    other: false,
    share: null,
  }));
  if (res.other !== null) rows.push({ label: OTHER_LABEL, value: res.other, other: true, share: null });
  if (!additive) return rows;
  const total = rows.reduce((sum, r) => sum + (r.value ?? 0), 0);
  return rows.map((r) => ({ ...r, share: total > 0 && r.value !== null ? r.value / total : null }));
}

/** A breakdown with nothing to draw: no group and no "other". */
export function breakdownEmpty(rows: readonly BreakdownRow[]): boolean {
  return rows.every((r) => r.value === null);
}

/** The text beside a bar: "12.4k orders · 38 %", or the value alone. */
export function barLabel(row: BreakdownRow, unit: string): string {
  const value = formatValue(row.value, unit);
  return row.share === null ? value : `${value} · ${formatPercent(row.share * 100)}`;
}

export interface BreakdownInput {
  rows: readonly BreakdownRow[];
  dim: string;
  unit: string;
  colors: BreakdownColors;
}

/**
 * The breakdown for the range: one horizontal bar per top group, largest at the top, then
 * "Other" in grey; each labelled with its value (and share of the total when it adds up).
 */
export function buildBreakdownOption(input: BreakdownInput): BreakdownOption {
  const { rows, unit, colors } = input;
  return {
    animation: false,
    grid: { left: 8, right: 120, top: 8, bottom: 24, containLabel: true },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (raw: unknown) => {
        const p = raw as { dataIndex?: number };
        const row = p.dataIndex === undefined ? undefined : rows[p.dataIndex];
        if (!row) return '';
        const what = row.other
          ? `every other ${escapeHtml(input.dim)}`
          : `${escapeHtml(input.dim)} = ${escapeHtml(truncate(row.label, 200))}`;
        return `${what}<br><strong>${escapeHtml(barLabel(row, unit))}</strong>`;
      },
    },
    xAxis: {
      type: 'value',
      axisLabel: { color: colors.axis, formatter: (v: number) => formatValue(v, unit), hideOverlap: true },
      splitLine: { lineStyle: { color: colors.grid } },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => truncate(r.label, LABEL_CHARS)),
      axisLabel: { color: colors.axis },
      axisLine: { lineStyle: { color: colors.grid } },
      axisTick: { show: false },
    },
    series: [
      {
        id: 'breakdown',
        type: 'bar',
        barMaxWidth: 28,
        data: rows.map((r, i) => ({
          value: r.value,
          itemStyle: { color: r.other ? colors.other : (colors.groups[i % colors.groups.length] ?? colors.other) },
        })),
        label: {
          show: true,
          position: 'right',
          color: colors.label,
          formatter: (p: { dataIndex: number }) => {
            const row = rows[p.dataIndex];
            return row ? barLabel(row, unit) : '';
          },
        },
      },
    ],
  };
}
