import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KpiSchema, type KpiDefinition, type MetricEvent } from '@northstar/shared';
import { KpiEvaluator } from '../apps/server/src/evaluate/evaluator.ts';
import { rebuildFromStore } from '../apps/server/src/evaluate/rebuild.ts';
import { windowReads } from '../apps/server/src/store/window-reads.ts';
import { openClickHouse, type ClickHouse } from '../apps/server/src/store/clickhouse.ts';
import { EventStore } from '../apps/server/src/store/event-store.ts';
import { migrate } from '../apps/server/src/store/migrations.ts';
import { querySeries } from '../apps/server/src/store/series-query.ts';
import { FORMULA_KPIS, expectedValues, formulaEvents } from './support/formula-fixtures.ts';

/**
 * Every formula kind against real chdb, without a server: the live evaluator, the
 * history query's last point and a rebuild from the store must all equal an
 * independent computation.
 */
let dataDir: string;
let store: ClickHouse;
let kpis: KpiDefinition[];
let events: MetricEvent[];
const NOW = Date.now();

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'northstar-series-'));
  store = openClickHouse({ clickhouseUrl: undefined, dataDir });
  await migrate(store.client);
  kpis = FORMULA_KPIS.map((k) => KpiSchema.parse(k));
  events = formulaEvents(NOW);
  await new EventStore(store.client).insertEvents(events, 'http');
});
afterAll(async () => {
  await store?.client.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('formulas: live, history and rebuild agree', () => {
  it('matches the independent computation live, in the series and after a rebuild', async () => {
    const want = expectedValues(events, NOW);
    const live = new KpiEvaluator(kpis);
    live.observe(events);
    live.evaluate(NOW);
    const rebuilt = new KpiEvaluator(kpis);
    await rebuildFromStore(windowReads(store.client), rebuilt, NOW);
    rebuilt.evaluate(NOW);
    const to = Math.ceil(NOW / 60_000) * 60_000;
    for (const kpi of kpis) {
      const expected = want[kpi.id];
      const close = (v: number | null | undefined) =>
        expected === null ? expect(v).toBeNull() : expect(v).toBeCloseTo(expected as number, 9);
      close(live.state(kpi.id)?.value);
      close(rebuilt.state(kpi.id)?.value);
      const series = await querySeries(store.client, kpi, { fromMs: to - 3_600_000, toMs: to, stepMs: 60_000 });
      expect(series).toHaveLength(60);
      expect(series.at(-1)?.[0]).toBe(to);
      close(series.at(-1)?.[1]);
    }
    expect(live.state('basket-band')?.status).toBe(want['basket-band']! >= 10 && want['basket-band']! <= 20 ? 'on_track' : 'at_risk');
  });

  it('answers a calendar series cumulative from each period start', async () => {
    const kpi = kpis.find((k) => k.id === 'revenue-today')!;
    const to = Math.ceil(NOW / 3_600_000) * 3_600_000;
    const series = await querySeries(store.client, kpi, { fromMs: to - 48 * 3_600_000, toMs: to, stepMs: 3_600_000 });
    expect(series).toHaveLength(48);
    // every point before the events is empty, the last is the day's total so far
    expect(series.slice(0, 40).every(([, v]) => v === null)).toBe(true);
    expect(series.at(-1)?.[1]).toBeCloseTo(expectedValues(events, NOW)['revenue-today'] as number, 9);
  });
});
