import { describe, expect, it } from 'vitest';
import { capturingLog } from '../observe/log-capture.fixture.ts';
import { createMetrics } from '../observe/metrics.ts';
import { reportStoreFailure } from './store-failure.ts';

describe('reportStoreFailure', () => {
  it('counts a refused alert write on /metrics and logs it as an error, per record kind', async () => {
    const metrics = createMetrics();
    const { log, lines } = capturingLog();
    const refused = () => Promise.reject(new Error('store refused the insert'));

    await refused().catch(reportStoreFailure({ metrics, log }, 'transition', 'r/k/'));
    await refused().catch(reportStoreFailure({ metrics, log }, 'notification', 'r/k/'));
    await refused().catch(reportStoreFailure({ metrics, log }, 'notification', 'r/j/'));

    const counted = (await metrics.alertStoreFailures.get()).values.map((v) => [v.labels.record, v.value]);
    expect(counted).toEqual(
      expect.arrayContaining([
        ['transition', 1],
        ['notification', 2],
      ]),
    );
    expect(await metrics.registry.metrics()).toContain('northstar_alert_store_failures_total{record="transition"} 1');
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ level: 50, key: 'r/k/', record: 'transition', err: 'store refused the insert' });
    expect(lines[0]?.msg).toBe('could not store an alert transition');
    expect(lines[2]).toMatchObject({ level: 50, key: 'r/j/', record: 'notification' });
  });
});
