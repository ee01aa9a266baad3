import { describe, expect, it } from 'vitest';
import { AlertRuleSchema, KpiSchema } from '@northstar/shared';
import { ORDERS_STATE as offTrack } from '@northstar/shared/kpi-state.fixture';
import { capturingLog } from '../observe/log-capture.fixture.ts';
import { createMetrics } from '../observe/metrics.ts';
import { AlertEngine, type AlertEngineDeps } from './alert-engine.ts';

const kpi = KpiSchema.parse({ id: 'orders', name: 'Orders', metric: 'orders', aggregation: 'sum', window: '1h' });
const rule = AlertRuleSchema.parse({ id: 'r', name: 'Off track', condition: { type: 'status', in: ['off_track'] } });

/** An engine over one off-track KPI whose store refuses every alert transition. */
function engineOverRefusingStore() {
  const { log, lines } = capturingLog();
  const metrics = createMetrics();
  const published: string[] = [];
  const deps = {
    model: { rules: [rule], kpis: [kpi], objectives: [] },
    evaluator: { state: (id: string) => (id === 'orders' ? offTrack : undefined) },
    detection: { recentScores: () => [], threshold: () => undefined, tuning: new Map() },
    repo: { addTransitions: () => Promise.reject(new Error('store refused the insert')) },
    dispatcher: () => ({ onAlertChange: () => [], tick: () => [], remove: () => undefined }),
    notifiers: new Map(),
    metrics,
    log,
  } as unknown as AlertEngineDeps;
  const engine = new AlertEngine(deps);
  engine.onAlertChanged((a) => published.push(a.state));
  return { engine, metrics, lines, published };
}

describe('AlertEngine, when the store refuses a transition', () => {
  it('keeps the alert live and counts and logs the lost write instead of swallowing it', async () => {
    const { engine, metrics, lines, published } = engineOverRefusingStore();
    engine.tick(1_000);
    await new Promise((r) => setImmediate(r));

    expect(published.length).toBeGreaterThan(0);
    expect(engine.get('r/orders/')?.state).not.toBe('normal');
    const failures = (await metrics.alertStoreFailures.get()).values;
    expect(failures).toEqual([expect.objectContaining({ labels: { record: 'transition' }, value: published.length })]);
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(published.length);
    expect(errors[0]).toMatchObject({ key: 'r/orders/', record: 'transition', err: 'store refused the insert' });
  });
});
