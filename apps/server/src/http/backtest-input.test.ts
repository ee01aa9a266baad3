import { describe, expect, it } from 'vitest';
import { BacktestSeriesRequestSchema } from '@northstar/shared';
import { ModelError, fieldProblems } from '../model/model-errors.ts';
import { inlineSeries } from './backtest-input.ts';

const NOW = Date.UTC(2026, 11, 6);

describe('an inline backtest series', () => {
  it('takes ISO 8601 timestamps with a zone as well as epoch ms', () => {
    const parsed = BacktestSeriesRequestSchema.safeParse({
      series: [
        { ts: '2026-11-01T00:00:00Z', value: 1 },
        { ts: '2026-11-01T01:15:00+01:00', value: 2 },
        { ts: Date.UTC(2026, 10, 1, 0, 30), value: null },
      ],
    });
    expect(parsed.success).toBe(true);
    const series = inlineSeries(parsed.data!.series, NOW);
    expect(series.map((p) => p.ts)).toEqual([Date.UTC(2026, 10, 1), Date.UTC(2026, 10, 1, 0, 15), Date.UTC(2026, 10, 1, 0, 30)]);
    expect(series.map((p) => p.value)).toEqual([1, 2, null]);
  });

  it('names the field and the index of every bad point', () => {
    const series = [
      { ts: '2026-11-01T00:00:00Z', value: 1 },
      { ts: '2026-11-01T00:15:00Z', value: 1 },
      { ts: 'yesterday', value: 1 },
      { ts: '2026-11-01 00:45', value: 1 },
    ];
    let error: unknown;
    try {
      inlineSeries(series, NOW);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ModelError);
    const details = (error as ModelError).details ?? [];
    expect(details.map((d) => d.field)).toEqual(['series[2].ts', 'series[3].ts']);
    expect(details[0]?.message).toContain('"yesterday" is not ISO 8601');
  });

  it('names the point of a value of the wrong type too, and watches both ways without a KPI direction', () => {
    const bad = BacktestSeriesRequestSchema.safeParse({
      series: [
        { ts: 1, value: 1 },
        { ts: 2, value: 'x' },
      ],
    });
    expect(bad.success).toBe(false);
    expect(fieldProblems(bad.error!)).toEqual([{ field: 'series[1].value', message: 'must be a number or null' }]);
    const ok = BacktestSeriesRequestSchema.parse({ series: [{ ts: 1, value: 1 }] });
    expect(ok.kpiDirection).toBeUndefined();
  });
});
