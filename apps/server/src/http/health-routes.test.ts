import { describe, expect, it } from 'vitest';
import { healthRoutes, type HealthDeps } from './health-routes.ts';

const readyz = async (deps: HealthDeps) => {
  const res = await healthRoutes(deps).request('/readyz');
  return { status: res.status, body: (await res.json()) as unknown };
};

describe('health routes', () => {
  it('answers /healthz while the process runs', async () => {
    const res = await healthRoutes({ storeReachable: () => Promise.resolve(false), kafkaJoined: undefined }).request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('is ready with a reachable store and no Kafka configured', async () => {
    expect(await readyz({ storeReachable: () => Promise.resolve(true), kafkaJoined: undefined })).toEqual({
      status: 200,
      body: { status: 'ready', checks: { store: 'ok' } },
    });
  });

  it('is not ready (503) while the store is unreachable or Kafka not joined', async () => {
    expect(await readyz({ storeReachable: () => Promise.resolve(false), kafkaJoined: () => true })).toEqual({
      status: 503,
      body: { status: 'not_ready', checks: { store: 'unreachable', kafka: 'joined' } },
    });
    expect((await readyz({ storeReachable: () => Promise.resolve(true), kafkaJoined: () => false })).status).toBe(503);
  });

  it('stays ready but says degraded, and why, when a part works only partly', async () => {
    const deps: HealthDeps = {
      storeReachable: () => Promise.resolve(true),
      kafkaJoined: () => true,
      degraded: () => ({ dlq: 'the DLQ topic refuses writes; rejects are kept in the store', other: undefined }),
    };
    expect(await readyz(deps)).toEqual({
      status: 200,
      body: {
        status: 'degraded',
        checks: { store: 'ok', kafka: 'joined', dlq: 'the DLQ topic refuses writes; rejects are kept in the store' },
      },
    });
  });
});
