import type { ClickHouseClient } from '@clickhouse/client';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { KpiSchema } from '@northstar/shared';
import { seededRng } from '../demo/generator.ts';
import { scoreThreshold } from '../detect/index.ts';
import type { KpiEvaluator } from '../evaluate/evaluator.ts';
import { DetectionRunner } from './detection-runner.ts';

const kpi = KpiSchema.parse({
  id: 'k',
  name: 'K',
  metric: 'm',
  aggregation: 'sum',
  window: '1h',
  direction: 'lower_is_better',
  detection: { step: '1m' },
});
/** No history to warm up from: the detector learns live. */
const noStore = { query: () => Promise.reject(new Error('no store in a unit test')) } as unknown as ClickHouseClient;

function runner(values: () => number | null): DetectionRunner {
  const evaluator = { state: () => ({ value: values() }) } as unknown as KpiEvaluator;
  return new DetectionRunner({ evaluator, clickhouse: noStore, log: pino({ level: 'silent' }) });
}

describe('DetectionRunner', () => {
  it('applies feedback-tuned thresholds to a running detector at once', async () => {
    const r = runner(() => 1);
    await r.upsert(kpi, 0);
    expect(r.threshold('k')).toBeCloseTo(scoreThreshold('medium'));
    r.setTuning(new Map([['k', { kpi: 'k', steps: 2, reason: 'not_real', by: 'ana', at: 1, note: '' }]]));
    expect(r.threshold('k')).toBeCloseTo(scoreThreshold('medium', 2));
    expect(r.tuning.get('k')?.by).toBe('ana');
  });

  it('says "learning" at first, and gives "n of m" rules the episode held for its whole length', async () => {
    const rng = seededRng(4);
    let i = 0;
    const r = runner(() => (i >= 300 ? 200 : 100 + 2 * (rng() - 0.5)));
    await r.upsert(kpi, 0);
    r.tick(60_000);
    i++;
    expect(r.anomaly('k')).toMatchObject({ learning: true, flag: false });
    for (; i < 306; i++) r.tick((i + 1) * 60_000);
    expect(r.anomaly('k')?.learning).toBe(false);
    // the shift flagged one point, but each point of the episode counts for a rule: 3 of the last 5 holds
    const recent = r.recentScores('k', 5);
    expect(recent.filter((s) => s >= scoreThreshold('medium')).length).toBeGreaterThanOrEqual(3);
    // and the wall shows the KPI as anomalous for the episode, not for the one flagged step
    expect(r.anomaly('k')).toMatchObject({ flag: true, learning: false });
  });
});
