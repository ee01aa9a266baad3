import { describe, expect, it } from 'vitest';
import { createMetrics } from '../observe/metrics.ts';
import { expectError } from './routes.fixture.ts';
import { serviceRoutes } from './service-routes.ts';

describe('service routes', () => {
  it('serves the metrics in the Prometheus text format', async () => {
    const metrics = createMetrics();
    metrics.eventsReceived.inc({ source: 'http' }, 3);
    const res = await serviceRoutes(metrics).request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(metrics.registry.contentType);
    expect(await res.text()).toMatch(/^northstar_events_received_total\{source="http"\} 3$/m);
  });

  it('tells a plain GET of /ws to connect with a WebSocket', async () => {
    const res = await serviceRoutes(createMetrics()).request('/ws');
    expect((await expectError(res, 426, 'upgrade_required')).message).toMatch(/Upgrade: websocket/);
    expect(res.headers.get('upgrade')).toBe('websocket');
  });
});
